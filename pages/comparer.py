"""Compare page (work in progress)."""

import streamlit as st

st.title("Comparer des territoires")
