"""Forecasts and statistics on indicator rows: projections, trends, needs, scenarios, backtests, similarity,
rankings, classes. Imports core and storage.
"""
