"""Make the WOFF2 fonts shipped in templates/fonts/ from Noto Sans (Debian fonts-noto-core).

The subset keeps Latin, Cyrillic, Greek and punctuation so that every edition's HTML
can embed the fonts inline and stay small. Run once by hand when the fonts change:

    python tools/subset_fonts.py /usr/share/fonts/truetype/noto templates/fonts
"""

import sys
from pathlib import Path

from fontTools import subset

from mgi_report.webfonts import subset_options

FACES = ("Regular", "Bold", "Italic", "BoldItalic")
UNICODES = (
    "U+0000-024F,U+0250-02FF,U+0300-036F,U+0370-03FF,U+0400-052F,U+1E00-1EFF,"
    "U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2212,U+2215,U+25A0-25FF,U+FB00-FB06"
)


def main(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for face in FACES:
        options = subset_options()
        font = subset.load_font(str(source / f"NotoSans-{face}.ttf"), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
        subsetter.subset(font)
        subset.save_font(font, str(target / f"NotoSans-{face}.woff2"), options)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
