"""``python -m causalab`` is the ``causalab`` command."""

import sys

from .cli import main

sys.exit(main())
