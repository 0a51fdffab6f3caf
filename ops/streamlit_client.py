"""A client of Streamlit's own protocol, as the browser speaks it: one websocket to ``/_stcore/stream`` per
session, protobuf ``BackMsg`` up (rerun the script of a page, with its query string and widget values),
``ForwardMsg`` down (the page's elements, then ``script_finished``), for load tests and cluster checks.

What the browser does and this client does too: it first loads ``/`` (which gives it the proxy's sticky
cookie), sends the cookies with the websocket, asks for a page by its URL path (``page_name``), follows the
query string the script writes (``page_info_changed``), and answers a widget by its id (taken from the
elements received). What it does not: draw anything, fetch the JavaScript and the Plotly bundle (a browser
caches them after the first visit), cache messages by hash. "Rendered" here means: the server has sent the
whole page and said the script finished, which is when a browser can draw it.

Loopback only: every URL must name 127.0.0.1 or localhost.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pyarrow.ipc
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

LOOPBACK = {"127.0.0.1", "localhost"}
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


class NotLoopback(ValueError):
    pass


class RunFailed(RuntimeError):
    """The page did not render: no answer in time, the connection closed, or the script raised."""


def check_loopback(url: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url)
    if parts.hostname not in LOOPBACK:
        raise NotLoopback(f"{url}: this client talks to 127.0.0.1 or localhost only")
    return parts


@dataclass
class Widget:
    id: str
    kind: str
    label: str


@dataclass
class Run:
    """What one script run sent: its elements' kinds, the errors shown, the widgets, the time it took."""

    seconds: float
    elements: int = 0
    exceptions: list[str] = field(default_factory=list)
    error_alerts: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    widgets: dict[str, Widget] = field(default_factory=dict)
    replica: str = ""

    def widget(self, key: str) -> Widget:
        """The widget created with ``key=`` (Streamlit's id ends with the key)."""
        for widget in self.widgets.values():
            if widget.id.endswith(f"-{key}"):
                return widget
        raise KeyError(f"no widget with key {key!r} on this page ({sorted(self.widgets)})")


def _fetch_cookies(base_url: str, cookies: dict[str, str], timeout: float) -> tuple[dict[str, str], str]:
    """GET / as a browser's first request: the cookies it is given (the proxy's sticky key) and who answered."""
    header = "; ".join(f"{k}={v}" for k, v in cookies.items())
    request = urllib.request.Request(f"{base_url}/", headers={"Cookie": header} if header else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()
        jar = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        return {**cookies, **{k: m.value for k, m in jar.items()}}, response.headers.get("X-Radar-Replica", "")


def _rows(arrow) -> list[str]:
    """The rows of an Arrow table element as a reader sees them: cells joined by `` | ``."""
    data = arrow.styler.display_values if arrow.HasField("styler") and arrow.styler.display_values else arrow.data
    if not data:
        return []
    table = pyarrow.ipc.open_stream(data).read_all()
    return [" | ".join("" if v is None else str(v) for v in row.values()) for row in table.to_pylist()]


class Session:
    """One browser tab: ``async with Session(url) as tab: run = await tab.open("profil", "dep=93")``."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None, timeout: float = 60.0):
        check_loopback(base_url)
        self.base_url = base_url.rstrip("/")
        self.cookies = dict(cookies or {})
        self.timeout = timeout
        self.page = ""
        self.query = ""
        self.replica = ""
        self._socket = None
        self._running = False  # a rerun was sent and its script_finished not received yet

    async def __aenter__(self) -> Session:
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def connect(self) -> None:
        self.cookies, self.replica = await asyncio.to_thread(_fetch_cookies, self.base_url, self.cookies, self.timeout)
        parts = urllib.parse.urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        self._socket = await connect(
            f"{scheme}://{parts.netloc}/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers=headers,
            origin=f"{parts.scheme}://{parts.netloc}",
            max_size=None,
            open_timeout=self.timeout,
            compression=None,
            ping_interval=None,  # a browser sends no websocket ping: a starved server must not close us
        )
        self.replica = self._socket.response.headers.get("X-Radar-Replica", self.replica)  # who holds the session

    async def close(self) -> None:
        """Close the tab. A page still running is stopped first: Streamlit keeps running a script whose
        websocket closed (the session waits for a reconnection), so a given-up page would otherwise go on
        costing the replica CPU, and the next users would queue behind it."""
        if self._socket is not None:
            if self._running:
                await self.stop_script()
            await self._socket.close()
            self._socket = None

    async def stop_script(self) -> None:
        """Ask the server to stop the running script (``BackMsg.stop_script``, the browser's « Stop »). The
        script stops at its next Streamlit call; a computation inside one call finishes first."""
        self._running = False
        with contextlib.suppress(Exception):  # best effort: the connection may be gone already
            await self._socket.send(BackMsg(stop_script=True).SerializeToString())

    async def open(self, page: str = "", query: str = "") -> Run:
        """Open a page by its URL path ("" = home, "profil", …) with a query string, as a link or the page menu."""
        self.page, self.query = page, query
        return await self._rerun([])

    async def set_widgets(self, *states: WidgetState) -> Run:
        """Rerun the current page with these widget values (what a browser sends after a change or a click)."""
        return await self._rerun(list(states))

    async def type_text(self, widget: Widget, text: str) -> Run:
        return await self.set_widgets(WidgetState(id=widget.id, string_value=text))

    async def _rerun(self, states: list[WidgetState]) -> Run:
        if self._socket is None:
            raise RunFailed("not connected")
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_name = self.page
        state.widget_states.widgets.extend(states)
        state.context_info.timezone = "Europe/Paris"
        state.context_info.locale = "fr-FR"
        state.context_info.url = f"{self.base_url}/{self.page}" + (f"?{self.query}" if self.query else "")
        start = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        self._running = True
        run = Run(seconds=0.0, replica=self.replica)
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    forward = ForwardMsg()
                    forward.ParseFromString(await self._socket.recv())
                    if self._read(forward, run):
                        break
        except TimeoutError:
            await self.stop_script()  # given up: leave no backlog on the replica
            raise RunFailed(f"no script_finished within {self.timeout:.0f} s") from None
        except Exception as exc:  # the connection closed (a replica killed...), a bad frame
            raise RunFailed(f"{type(exc).__name__}: {exc}") from exc
        self._running = False
        run.seconds = time.perf_counter() - start
        if run.exceptions:
            raise RunFailed(f"the script raised: {run.exceptions[0]}")
        return run

    def _read(self, forward: ForwardMsg, run: Run) -> bool:
        kind = forward.WhichOneof("type")
        if kind == "new_session":  # a new run starts (the first, or the one st.rerun asked for)
            run.elements, run.texts, run.widgets = 0, [], {}
        elif kind == "page_info_changed":
            self.query = forward.page_info_changed.query_string
        elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            self._element(forward.delta.new_element, run)
        elif kind == "script_finished":
            return forward.script_finished in FINISHED
        return False

    @staticmethod
    def _element(element, run: Run) -> None:
        run.elements += 1
        kind = element.WhichOneof("type")
        body = getattr(element, kind) if kind else None
        if kind == "exception":
            run.exceptions.append(f"{body.type}: {body.message}")
        elif kind == "alert" and body.format == body.ERROR:
            run.error_alerts.append(body.body)
        elif kind in ("markdown", "text", "heading"):
            run.texts.append(getattr(body, "body", "") or getattr(body, "text", ""))
        elif kind == "table":  # st.table: its rows as shown (a Styler's display values, else the data)
            run.texts.extend(_rows(body.arrow_data))
        widget_id = getattr(body, "id", "") if body is not None else ""
        if widget_id and widget_id.startswith("$$ID"):
            run.widgets[widget_id] = Widget(widget_id, kind, getattr(body, "label", ""))
