"""Radar social: the indicator library (no Streamlit imports here except cache.py)."""
