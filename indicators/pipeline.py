"""``python -m indicators.pipeline``: the build (indicators/build/pipeline.py) at its documented path."""

import sys

from indicators.build.pipeline import fingerprint, main, run

__all__ = ["fingerprint", "main", "run"]

if __name__ == "__main__":
    sys.exit(main())
