"""HTML put into the page by a script, for st.html(..., unsafe_allow_javascript=True).

st.html passes its HTML through the browser's sanitiser (DOMPurify), which cost ~0,75 s of the browser's main
thread per 23 KB on a loaded machine (issue 29: the map's ranked table, 20–120 KB), and st.markdown makes one
React element per cell. As a string in a script that writes it into its box, the same HTML costs neither: the
sanitiser sees a short script. The HTML must be built from escaped text (html.escape) like any other.
"""

from __future__ import annotations

import json


def filled(html: str, box_class: str = "", style: str = "", rows: str = "") -> str:
    """A ``div`` (of ``box_class``, with ``style``) that a script fills with ``html``; ``rows`` (``<tr>``
    elements) are appended to its first table's body once the browser is idle (after the page's charts are
    drawn), as a data grid draws only the rows in view. Each HTML travels as a JSON string with every ``<``
    escaped, so nothing in it can end the script early."""
    later = (
        f"const rows = {_js(rows)}, add = () => box.querySelector('tbody').insertAdjacentHTML('beforeend', rows);"
        "(window.requestIdleCallback || setTimeout)(add, {timeout: 2000});"
        if rows
        else ""
    )
    return (
        f"<div class='{box_class}' style='{style}'></div>"
        f"<script>{{const box = document.currentScript.previousElementSibling; box.innerHTML = {_js(html)};"
        f"{later}}}</script>"
    )


def _js(html: str) -> str:
    return json.dumps(html).replace("<", "\\u003c")
