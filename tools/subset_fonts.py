"""Make the WOFF2 fonts shipped in templates/fonts/ from Noto Sans and Noto Sans Arabic
(Debian fonts-noto-core).

Each family keeps the scripts it is there for (Noto Sans: Latin, Cyrillic, Greek and
punctuation; Noto Sans Arabic: Arabic, its supplements and presentation forms), so that
every edition's HTML can embed the fonts inline and stay small. Run once by hand when the
fonts change:

    python tools/subset_fonts.py /usr/share/fonts/truetype/noto templates/fonts
"""

import sys
from pathlib import Path

from fontTools import subset

from mgi_report.webfonts import subset_options

FAMILIES = {
    "NotoSans": (
        ("Regular", "Bold", "Italic", "BoldItalic"),
        "U+0000-024F,U+0250-02FF,U+0300-036F,U+0370-03FF,U+0400-052F,U+1E00-1EFF,"
        "U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2212,U+2215,U+25A0-25FF,"
        "U+FB00-FB06"),
    "NotoSansArabic": (
        ("Regular", "Bold"),
        "U+0020-0021,U+002C-002E,U+0030-003A,U+00A0,U+00AB,U+00BB,U+034F,U+0600-06FF,"
        "U+0750-077F,U+08A0-08FF,U+200B-2011,U+204F,U+25CC,U+2E41,U+FB50-FDFF,U+FE70-FEFC"),
}


def main(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for family, (faces, unicodes) in FAMILIES.items():
        for face in faces:
            options = subset_options()
            font = subset.load_font(str(source / f"{family}-{face}.ttf"), options)
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=subset.parse_unicodes(unicodes))
            subsetter.subset(font)
            subset.save_font(font, str(target / f"{family}-{face}.woff2"), options)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
