"""``python -m mgi_report``: the mgi-report command."""

import sys

from .cli import main

sys.exit(main())
