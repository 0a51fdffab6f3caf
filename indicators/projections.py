"""Old path of ``indicators.models.projections``, kept for the documented entry points: the same module object."""

import sys

from indicators.models import projections as _module

sys.modules[__name__] = _module
