"""Old path of ``indicators.models.trends``, kept for the documented entry points: the same module object."""

import sys

from indicators.models import trends as _module

sys.modules[__name__] = _module
