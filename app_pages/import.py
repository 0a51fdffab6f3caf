"""Import page (analysts only): log in, upload a file, check it, preview, publish, list versions, roll back.

A publisher's own file (Filosofi, DREES, Insee unemployment and population estimates) is a new edition of its
source (indicators/ui/import_view.edition); any other file goes through the single-column import.
"""

import streamlit as st

from indicators.publishing import upload
from indicators.ui import import_view

st.title("Importer des indicateurs")
who = import_view.login()
if who is None:
    st.stop()
st.text(f"Connecté·e : {who}")
if st.button("Se déconnecter"):
    st.session_state.pop("analyst")
    st.rerun()

# Streamlit's uploader text ("Upload", "200MB per file") has no option: replaced by French through CSS
# (our own fixed text, no user input), the size limit said in French in the label's help.
st.html(import_view.UPLOADER_FRENCH)
file = st.file_uploader(
    "Fichier CSV ou XLSX (fichier du producteur, format long ou format large Insee)",
    type=["csv", "txt", "xlsx", "xls"],
    key="upload_file",
    help=f"{upload.MAX_BYTES // 1024 // 1024} Mo au plus par fichier ; CSV (séparateur ; , ou tabulation), XLSX, "
    "ou le fichier tel que l'Insee ou la DREES le publie (XLS compris).",
)
if file is not None and file.size > upload.MAX_BYTES:  # said before the bytes are read
    too_large = upload.too_large(file.size).iloc[0]
    st.error(f"Fichier de {too_large['value']} : {too_large['message']}.")
    st.stop()
data = file.getvalue() if file is not None else b""  # read once per content: upload.read_table keeps the table
if file is None or not import_view.edition(file, data, who):
    import_view.single_column(file, data, who)
import_view.versions_section(who)
