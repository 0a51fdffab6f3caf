"""Radar social: the indicator library (Streamlit is imported in indicators/ui/ only)."""
