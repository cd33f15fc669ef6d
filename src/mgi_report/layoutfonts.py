"""The fonts WeasyPrint lays an edition out with: the document's ``@font-face`` faces and
none of the machine's (loaded only when a PDF is made)."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path
from xml.sax.saxutils import escape

from weasyprint.text.fonts import FontConfiguration

from .errors import UsageError

#: The fontconfig configuration WeasyPrint lays out with: no font folder at all, so the
#: only fonts are the document's @font-face files. An edition then looks the same on every
#: machine, and a character the shipped fonts lack can never borrow a machine font.
FONTCONFIG = '<?xml version="1.0"?>\n<fontconfig><cachedir>{cache}</cachedir></fontconfig>\n'
#: FONTCONFIG_FILE is the process's: one configuration is made at a time.
_configuring = threading.Lock()


class FontFiles(FontConfiguration):  # type: ignore[misc]
    """A font configuration whose files can be removed when the build chooses: WeasyPrint
    writes each face to a folder it removes only when the configuration is
    garbage-collected, and a worker process ends without collecting."""

    def close(self) -> None:
        folder: Path | None = getattr(self, "_folder", None)
        self._folder = None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def disown(self) -> None:
        """Forget the folder without removing it: it is another process's (a forked
        process inherits its parent's configurations)."""
        self._folder = None


def isolated_font_configuration(html: str) -> FontFiles:
    """A WeasyPrint FontConfiguration that knows no machine font, only the ``@font-face``
    fonts of the document. Fontconfig reads ``FONTCONFIG_FILE`` when the configuration is
    made, so it is pointed, for that moment, at one without any font folder."""
    if "@font-face" not in html:  # with no font at all, Pango cannot lay out text
        raise UsageError("the document declares no @font-face: editions are laid out with "
                         "the project's fonts only")
    with _configuring, tempfile.TemporaryDirectory(prefix="mgi-report-fonts-") as work:
        config = Path(work) / "fonts.conf"
        config.write_text(FONTCONFIG.format(cache=escape(str(Path(work) / "cache"))),
                          encoding="utf-8")
        saved = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(config)
        try:
            return FontFiles()
        finally:
            if saved is None:
                del os.environ["FONTCONFIG_FILE"]
            else:
                os.environ["FONTCONFIG_FILE"] = saved
