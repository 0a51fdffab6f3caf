"""Old path of ``indicators.storage.store``, kept for the documented entry points: the same module object."""

import sys

from indicators.storage import store as _module

sys.modules[__name__] = _module
