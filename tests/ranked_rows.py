"""The ranked table of a map page as an AppTest run holds it (indicators/ui/ranked.py): the HTML that the box's
script writes, decoded from its JSON string and read back into rows."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pandas as pd


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self._cell: list[str] | None = None
        self._head = False

    def handle_starttag(self, tag, attrs):
        if tag == "thead":
            self._head = True
        elif tag == "tr" and not self._head:
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag == "thead":
            self._head = False
        elif tag in ("td", "th") and self._cell is not None:
            (self.header if self._head else self.rows[-1]).append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_html(body: str) -> str:
    """The table that the ranked box's script writes (scripted.filled), from the st.html body, with the rows it
    appends when the browser is idle."""
    decoder = json.JSONDecoder()
    html, _ = decoder.raw_decode(body.split("box.innerHTML = ", 1)[1])
    if "const rows = " in body:
        rows, _ = decoder.raw_decode(body.split("const rows = ", 1)[1])
        html = html.replace("</tbody>", rows + "</tbody>", 1)
    return html


def ranked_rows(at) -> pd.DataFrame:
    """The ranked table of the page (its columns as shown, the first one's links in ``link``)."""
    body = next(e.proto.body for e in at.get("html") if "rs-ranked" in e.proto.body and "<script>" in e.proto.body)
    parser = _Rows()
    parser.feed(table_html(body))
    return pd.DataFrame(parser.rows, columns=parser.header).assign(link=parser.links)
