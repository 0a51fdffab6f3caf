"""The baseline of the first-visit bench (issue 29): a bare Streamlit page with one plotly chart, no data."""

import plotly.graph_objects as go
import streamlit as st

st.title("Page nue")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])))
