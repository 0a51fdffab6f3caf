"""Old path of ``indicators.views.report``, kept for the documented entry points: the same module object."""

import sys

if __name__ == "__main__":
    from indicators.views.report import main

    sys.exit(main())
else:
    from indicators.views import report as _module

    sys.modules[__name__] = _module
