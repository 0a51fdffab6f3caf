"""Issue 30: the load generator's bounds and report, and the proxy's configuration (no server started)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import math

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from ops import cluster
from ops.load import Report, Sample, run_load
from ops.streamlit_client import NotLoopback, RunFailed, Session, check_loopback


def _run(coroutine):
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps an event loop running in the
    main thread of the same pytest process, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


@pytest.mark.parametrize("url", ["http://10.0.0.1:8501", "http://example.org", "https://192.168.1.2:8600"])
def test_the_client_and_the_load_refuse_anything_but_loopback(url):
    with pytest.raises(NotLoopback):
        check_loopback(url)
    with pytest.raises(NotLoopback):
        Session(url)
    with pytest.raises(NotLoopback):
        _run(run_load(url, users=1, think=1, duration=1))


def test_the_load_is_bounded_in_users_and_duration():
    with pytest.raises(ValueError, match="200 users"):
        _run(run_load("http://127.0.0.1:1", users=201, think=1, duration=10))
    with pytest.raises(ValueError, match="1800 s"):
        _run(run_load("http://localhost:1", users=1, think=1, duration=3600))


def test_a_refused_connection_is_an_error_of_the_report_not_a_crash():
    report = _run(run_load("http://127.0.0.1:1", users=2, think=0, duration=1))
    assert [s.action for s in report.samples] == ["connect", "connect"]
    assert len(report.errors) == 2 and report.times == []
    assert math.isnan(report.percentile(0.95))


def test_the_report_gives_percentiles_per_action_and_counts_errors():
    report = Report(users=2, replicas=2, think=10, duration=10.0)
    report.samples = [Sample(0, "profile", 0, s / 10, replica="r0") for s in range(1, 21)]
    report.samples += [Sample(1, "home", 0, 1.0, replica="r1"), Sample(1, "home", 0, None, "timeout")]
    summary = report.summary()
    assert summary["pages"] == 21 and summary["errors"] == 1
    assert report.percentile(0.5, "profile") == pytest.approx(1.05)
    assert report.percentile(0.95, "profile") == pytest.approx(1.905)
    assert summary["per_replica"] == {"r0": 20, "r1": 1}
    assert summary["pages_per_s"] == pytest.approx(2.1)
    assert "timeout" in report.table()


def test_the_proxy_listens_on_loopback_passes_the_websocket_and_is_sticky_by_cookie(tmp_path):
    conf = cluster.nginx_config(tmp_path, 8600, [8501, 8502])
    assert "listen 127.0.0.1:8600;" in conf
    assert "server 127.0.0.1:8501 max_fails=1" in conf and "server 127.0.0.1:8502 max_fails=1" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf and "proxy_set_header Host $http_host;" in conf
    assert "hash $radar_sticky consistent;" in conf and "ip_hash" not in conf.replace("`ip_hash`", "")
    assert "client_max_body_size 48m;" in conf


class _SilentServer:
    """A websocket that takes every message and never answers (a replica busy far beyond the timeout)."""

    def __init__(self):
        self.sent: list[str] = []
        self.closed = False

    async def send(self, data: bytes) -> None:
        message = BackMsg()
        message.ParseFromString(data)
        self.sent.append(message.WhichOneof("type"))

    async def recv(self) -> bytes:
        await asyncio.sleep(3600)

    async def close(self) -> None:
        self.closed = True


def test_a_page_given_up_on_a_timeout_is_stopped_on_the_server_before_the_tab_moves_on():
    async def give_up() -> _SilentServer:
        tab = Session("http://127.0.0.1:1", timeout=0.05)
        tab._socket = server = _SilentServer()
        with pytest.raises(RunFailed, match="no script_finished within"):
            await tab.open("profil", "dep=38")
        assert server.sent == ["rerun_script", "stop_script"]  # stopped at once, not when the tab closes
        await tab.close()
        assert server.sent == ["rerun_script", "stop_script"] and server.closed  # no second stop
        return server

    _run(give_up())


def test_a_tab_closed_while_its_page_runs_stops_the_script_first():
    async def leave() -> list[str]:
        tab = Session("http://localhost:1", timeout=60)
        tab._socket = server = _SilentServer()
        page = asyncio.ensure_future(tab.open("carte"))
        await asyncio.sleep(0.05)
        page.cancel()  # the load's deadline, or the user goes away
        with pytest.raises(asyncio.CancelledError):
            await page
        await tab.close()
        return server.sent

    assert _run(leave()) == ["rerun_script", "stop_script"]


def test_a_table_element_is_read_as_its_rows_as_shown():
    import pyarrow as pa
    from streamlit.proto.Element_pb2 import Element

    from ops.streamlit_client import Run

    frame = pa.table({"Indicateur": ["Taux de pauvreté (%)", "Population"], "38": ["11,3 · 87ᵉ", None]})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, frame.schema) as writer:
        writer.write_table(frame)
    element = Element()
    element.table.arrow_data.data = sink.getvalue().to_pybytes()
    run = Run(seconds=0)
    Session._element(element, run)
    assert run.texts == ["Taux de pauvreté (%) | 11,3 · 87ᵉ", "Population | "]


def test_a_replica_listens_on_loopback_watches_no_source_file_and_skips_the_full_gc():
    command = cluster.replica_command(8501)
    flags = dict(zip(command[5::2], command[6::2], strict=True))
    assert flags["--server.address"] == "127.0.0.1" and flags["--server.port"] == "8501"
    assert flags["--server.fileWatcherType"] == "none"  # ~0.4 s of CPU per new session otherwise
    assert flags["--runner.postScriptGC"] == "false"  # a full collection after every page otherwise


def test_the_cluster_bench_prints_the_issues_table():
    from tests.benchmarks import load_cluster

    def row(users, replicas, think, pages, errors, p50, p95, per_s, cpu):
        memory = [{"start_mb": 600, "end_mb": 610, "max_mb": 620, "cpu_s": 10.0}] * replicas
        return {"users": users, "replicas": replicas, "think_s": think, "pages": pages, "errors": errors}, {
            "p50_s": p50,
            "p95_s": p95,
            "pages_per_s": per_s,
            "cpu_s_per_page": cpu,
            "memory": memory,
        }

    rows = {
        name: a | b
        for name, (a, b) in {
            "30x2": row(30, 2, 10, 200, 0, 0.5, 1.5, 2.0, 0.2),
            "1x2": row(1, 2, 2, 30, 0, 0.3, 1.0, 0.3, 0.15),
            "30x1": row(30, 1, 10, 150, 2, 2.0, 9.0, 1.5, 0.2),
            "sat1": row(6, 1, 0, 50, 0, 1.0, 2.0, 1.2, 0.3),
            "sat2": row(6, 2, 0, 90, 0, 1.0, 2.0, 2.1, 0.3),
        }.items()
    }
    figures = {
        "rows": rows,
        "cpu_per_action_s": {"home (new session)": 0.15},
        "propagation_s": {"replica 0": 1.5, "replica 1": 2.25},
        "load_average_start": 1.0,
        "load_average_end": 2.0,
        "start_s": 10,
        "warm_up": {"seconds": 60},
        "total_s": 500,
    }
    text = load_cluster.markdown(figures)
    assert (
        "| 30x2 | 30 × 2 | 10 s | 200 | 0 | 0.50 | 1.50 | 1.50 | 2.000 | 0.200 | 600 → 610 (620); 600 → 610 (620) |"
        in text
    )
    assert "| 30x1 | 30 × 1 | 10 s | 150 | 2 | 2.00 | 9.00 | ∞ |" in text  # an error: the ratio is no figure
    assert "1 replica 1.200 pages/s, 2 replicas 2.100 pages/s, ratio 1.75" in text
    assert "| home (new session) | 0.150 |" in text and "replica 0 1.50 s, replica 1 2.25 s" in text
