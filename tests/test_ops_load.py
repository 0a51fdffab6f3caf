"""Issue 30: the load generator's bounds and report, and the proxy's configuration (no server started)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import math

import pytest

from ops import cluster
from ops.load import Report, Sample, run_load
from ops.streamlit_client import NotLoopback, Session, check_loopback


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
