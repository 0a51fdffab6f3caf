"""``indicators.trends.build`` (indicators/models/trends.py) at its documented path."""

from indicators.models.trends import build

__all__ = ["build"]
