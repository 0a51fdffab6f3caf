"""``python -m indicators.upload``: the import's command line (indicators/publishing/upload_cli.py) at its
documented path."""

import sys

from indicators.publishing.upload_cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
