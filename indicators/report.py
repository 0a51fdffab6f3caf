"""``python -m indicators.report``: the printable profile (indicators/views/report.py) at its documented path."""

import sys

from indicators.views.report import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
