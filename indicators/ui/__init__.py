"""The Streamlit layer: every module that imports Streamlit (caching per store version, the territory picker,
the commune views, the server's tuning and Streamlit's own words in French). Below it, nothing imports
Streamlit: views build figures and tables, models compute, storage reads (tests/test_dependencies.py)."""
