"""The radar: for a territory, the few things that stand out (écart), that changed more than expected
(rupture) or that are coming (horizon), ranked, each in one French sentence, and backtested.

``signals(table, level, code)`` is the entry point (see engine); ``python -m indicators.radar --backtest``
measures how often past signals held two years later (see backtest).
"""

from indicators.radar.engine import level_signals, signals
from indicators.radar.rules import COLUMNS, KINDS, THRESHOLDS

__all__ = ["COLUMNS", "KINDS", "THRESHOLDS", "level_signals", "signals"]
