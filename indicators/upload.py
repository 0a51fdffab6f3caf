"""Old path of ``indicators.publishing.upload``, kept for the documented entry points: the same module object."""

import sys

if __name__ == "__main__":
    from indicators.publishing.upload_cli import main

    sys.exit(main())
else:
    from indicators.publishing import upload as _module

    sys.modules[__name__] = _module
