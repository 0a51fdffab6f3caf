"""Old path of ``indicators.build.pipeline``, kept for the documented entry points: the same module object."""

import sys

if __name__ == "__main__":
    from indicators.build.pipeline import main

    sys.exit(main())
else:
    from indicators.build import pipeline as _module

    sys.modules[__name__] = _module
