"""Fonts for the printed forms: small copies of the system fonts, cut once with ``hb-subset``.

Why: WeasyPrint subsets every font it embeds, once per PDF, keeping the original glyph ids (RETAIN_GIDS),
and that costs time in proportion to the font's glyph count. Noto Serif CJK SC comes from a 26 MB
collection of 65,535 glyphs; each PDF took three subsets of ~25 ms (serif regular and bold, DejaVu Sans for
☐/☑). Measured on the development machine: a test page took 97–130 ms with the system fonts and 41–49 ms
with a copy of the SC face cut down to the GB2312 set + ASCII + Latin-1 (built in 0.2 s), whose glyphs are
renumbered compactly.

So ``build_fonts()`` (``manage.py build_fonts``, run by ``make install``) writes into
``settings.PDF_FONT_DIR`` (default ``var/fonts``):

- "Hall Serif" regular and bold: GB2312, ASCII, Latin-1 and the CJK and full-width punctuation — every
  form's text;
- "Hall Serif Extra" regular and bold: the SC face's other ideographs (CJK Extension A, B…, the rest of
  the unified block), for rare characters in names (堃, 𠮷). Kept apart so that a form without them
  never pays for their 24,000 glyphs; one with them pays one subset of ~15 ms instead of ~45 ms for the
  26 MB system font;
- "Hall Symbols" regular and bold: ☐☑☒✓✔○● from DejaVu Sans, which printed the ballot boxes before
  (Noto Serif CJK has none; the symbols it has come from Hall Serif, as they came from Noto).

The copies keep the OpenType rules horizontal zh-Hans text uses (``locl`` included: it changes the quotes
and the dash), so the forms look exactly as with the system fonts. ``font_face_css()`` declares
the copies that exist; the forms list the system fonts after them, so anything else (kana, Hangul) still
prints, and everything prints, only slower, when the build has not run.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration


class FontBuildError(RuntimeError):
    """A font could not be built: hb-subset or a source font is missing, or hb-subset failed."""


# Beyond GB2312: general punctuation (—, …, ‰), CJK symbols and punctuation (〇「」〔〕), full- and half-width
# forms (（），：；！？, full-width digits).
COMMON_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF))
# Radicals, strokes, Extension A, the unified block, compatibility ideographs, Extensions B–H.
IDEOGRAPH_RANGES = (
    (0x2E80, 0x2FDF),
    (0x31C0, 0x31EF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x323AF),
)
SYMBOLS = "☐☑☒✓✔○●"
# Pango never switches fonts for a space: it takes the font of the text before it. Every copy needs them.
SPACES = " \u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# What HarfBuzz applies to horizontal text by default; the rest (vertical forms, width variants, aalt)
# would add thousands of glyphs no form uses.
HORIZONTAL_FEATURES = "abvm,blwm,calt,ccmp,clig,curs,dist,kern,liga,locl,mark,mkmk,rclt,rlig,rvrn"
# The forms are lang="zh-hans": HarfBuzz uses the ZHS language system of each script (or its default).
LANGUAGE_SYSTEM = "ZHS "


def gb2312_characters() -> set[str]:
    """Every character of GB2312: each two-byte code, high byte 0xA1–0xF7, low byte 0xA1–0xFE, that decodes."""
    characters = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                characters.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return characters


def _ranges(ranges: tuple[tuple[int, int], ...]) -> set[str]:
    return {chr(c) for start, end in ranges for c in range(start, end + 1)}


def common_text() -> str:
    # With the symbols Noto has (✓○●), so that they print from it as before (Hall Symbols has the rest), and
    # the dotted circle HarfBuzz draws under a combining mark that has no base.
    return "".join(sorted(gb2312_characters() | _ranges(COMMON_RANGES) | set(SYMBOLS) | {"\u25cc"}))


def extra_text() -> str:
    return "".join(sorted((_ranges(IDEOGRAPH_RANGES) - set(common_text())) | set(SPACES)))


def symbol_text() -> str:
    return SYMBOLS + SPACES


@dataclass(frozen=True)
class FontFile:
    """One pre-subset font: its file, the CSS face it provides, the system font and characters it is cut from."""

    name: str
    family: str
    weight: int
    source_family: str  # fontconfig family and style
    source_style: str
    text: Callable[[], str]

    @property
    def path(self) -> Path:
        return font_dir() / self.name


FONT_FILES = (
    FontFile("HallSerif-Regular.otf", "Hall Serif", 400, "Noto Serif CJK SC", "Regular", common_text),
    FontFile("HallSerif-Bold.otf", "Hall Serif", 700, "Noto Serif CJK SC", "Bold", common_text),
    FontFile("HallSerifExtra-Regular.otf", "Hall Serif Extra", 400, "Noto Serif CJK SC", "Regular", extra_text),
    FontFile("HallSerifExtra-Bold.otf", "Hall Serif Extra", 700, "Noto Serif CJK SC", "Bold", extra_text),
    FontFile("HallSymbols-Regular.ttf", "Hall Symbols", 400, "DejaVu Sans", "Book", symbol_text),
    FontFile("HallSymbols-Bold.ttf", "Hall Symbols", 700, "DejaVu Sans", "Bold", symbol_text),
)


def font_dir() -> Path:
    return Path(getattr(settings, "PDF_FONT_DIR", settings.BASE_DIR / "var" / "fonts"))


def source_font(family: str, style: str) -> tuple[Path, int]:
    """The file and face index fontconfig chooses for a family and style; an error if the family is absent.

    fc-match always answers with something (its default font), so the family it reports is checked.
    """
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise FontBuildError("fc-match not found: install the Debian package fontconfig.")
    out = subprocess.run(
        [fc_match, "-f", "%{file}:%{index}\n%{family}", f"{family}:style={style}"],
        capture_output=True,
        text=True,
        check=False,
    )
    location, _, families = out.stdout.partition("\n")
    path, _, index = location.rpartition(":")
    if out.returncode or not path or family not in [name.strip() for name in families.split(",")]:
        package = "fonts-noto-cjk" if "CJK" in family else "fonts-dejavu-core"
        raise FontBuildError(f"Font {family!r} ({style}) not found by fontconfig: install {package}.")
    return Path(path), int(index or 0)


def build_fonts(*, force: bool = False) -> list[Path]:
    """Write the pre-subset fonts into font_dir(); return the files written (none when all are up to date).

    A file is rebuilt when it is missing, older than its source font (a fonts-noto-cjk upgrade) or than this
    module (which defines the character sets), or when ``force`` is set.
    """
    hb_subset = shutil.which("hb-subset")
    if hb_subset is None:
        raise FontBuildError("hb-subset not found: install the Debian package libharfbuzz-bin.")
    font_dir().mkdir(parents=True, exist_ok=True)
    written = []
    for font in FONT_FILES:
        source, index = source_font(font.source_family, font.source_style)
        newest_input = max(source.stat().st_mtime, Path(__file__).stat().st_mtime)
        if not force and font.path.exists() and font.path.stat().st_mtime >= newest_input:
            continue
        _subset(hb_subset, source, index, font)
        written.append(font.path)
    return written


def _subset(hb_subset: str, source: Path, index: int, font: FontFile) -> None:
    """Cut one font in three steps: subset, drop the other languages' layout rules, subset again.

    The first cut keeps the glyphs the layout features reach from the characters, for every language: the
    locl rules for Japanese, Korean and Traditional Chinese alone bring 5,500 glyphs into Hall Serif, and
    WeasyPrint's subsetting time grows with the glyph count. hb-subset cannot keep one language, so the
    other language systems are removed (fontTools, GSUB only) and the second cut drops what only they
    reached. zh-Hans text shapes to the same glyphs as with the system font (tests/requests/test_fonts.py).
    """
    # Written beside the target and renamed: a render running meanwhile never reads half a font.
    with tempfile.TemporaryDirectory(dir=font.path.parent) as tmp:
        text_file, first, pruned, final = (Path(tmp) / name for name in ("text.txt", "cut-1", "cut-2", font.name))
        text_file.write_text(font.text(), encoding="utf-8")
        _hb_subset(hb_subset, [str(source), f"--face-index={index}", f"--text-file={text_file}"], first)
        _keep_one_language_system(first, pruned)
        _hb_subset(hb_subset, [str(pruned), "--unicodes=*"], final)
        final.replace(font.path)


def _hb_subset(hb_subset: str, arguments: list[str], output: Path) -> None:
    command = [hb_subset, *arguments, f"--layout-features={HORIZONTAL_FEATURES}", "--notdef-outline"]
    out = subprocess.run([*command, f"--output-file={output}"], capture_output=True, text=True, check=False)
    if out.returncode or not output.exists() or output.stat().st_size == 0:
        raise FontBuildError(f"hb-subset failed: {' '.join(command)}: {out.stderr.strip()}")


def _keep_one_language_system(source: Path, output: Path) -> None:
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    font = TTFont(source, lazy=True)  # lazy: only GSUB is decompiled and written again
    if "GSUB" in font:
        for record in font["GSUB"].table.ScriptList.ScriptRecord:
            script = record.Script
            script.LangSysRecord = [r for r in script.LangSysRecord if r.LangSysTag == LANGUAGE_SYSTEM]
            script.LangSysCount = len(script.LangSysRecord)
    font.save(output)


def built_fonts() -> list[FontFile]:
    return [font for font in FONT_FILES if font.path.is_file()]


def font_face_css() -> str:
    """@font-face rules for the pre-subset fonts that exist (none before the build: system fonts are used)."""
    return "\n".join(
        f'@font-face {{ font-family: "{font.family}"; font-weight: {font.weight}; '
        f'src: url("{font.path.resolve().as_uri()}"); }}'
        for font in built_fonts()
    )


_thread = threading.local()
# Drop the main thread's fonts before the interpreter tears modules down: FontConfiguration.__del__ needs them.
atexit.register(lambda: _thread.__dict__.pop("fonts", None))


def weasyprint_fonts() -> tuple[FontConfiguration, CSS]:
    """This thread's WeasyPrint FontConfiguration with the @font-face rules loaded, and those rules as CSS.

    Loading the fonts costs ~20 ms (WeasyPrint copies each file into a temporary folder and fontconfig scans
    it), so it is done once per thread, not once per PDF. Per thread because a FontConfiguration holds a
    Pango font map and caches that are not safe to share between threads. Made again when the set of built
    fonts or their files change.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    # Paths and modification times: a rebuild (manage.py build_fonts --force) is picked up without a restart.
    key = tuple((str(font.path), font.path.stat().st_mtime_ns) for font in built_fonts())
    cached = getattr(_thread, "fonts", None)
    if cached is None or cached[0] != key:
        font_config = FontConfiguration()
        cached = (key, font_config, CSS(string=font_face_css(), font_config=font_config))
        _thread.fonts = cached
    return cached[1], cached[2]
