"""``python -m actpass.local serve``: see ``actpass.local._serve``."""

from __future__ import annotations

import sys

from ._serve import main

sys.exit(main())
