"""``python -m mgi_report``: the mgi-report command."""

from .cli import run

run()
