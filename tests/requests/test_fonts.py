"""The forms' pre-subset fonts: what build_fonts writes, that forms embed them, and the fallback without them."""

import os
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from fontTools.ttLib import TTFont

from hallservice.core import fonts
from hallservice.core.pdf import render_pdf
from requests.documents import FORM_STYLESHEET, TEMPLATES, render_blank
from requests.models import DocumentKind, Kind
from requests.services.documents import document_issue

REAL_WHICH = shutil.which


@pytest.fixture(scope="session")
def built_font_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("fonts")
    with override_settings(PDF_FONT_DIR=directory):
        fonts.build_fonts()
    return directory


@pytest.fixture
def hall_fonts(settings, built_font_dir):
    settings.PDF_FONT_DIR = built_font_dir
    return built_font_dir


@pytest.fixture
def symbols_only(monkeypatch, settings, tmp_path):
    """build_fonts limited to the tiny symbols font, in an empty directory: fast enough to build again and again."""
    settings.PDF_FONT_DIR = tmp_path
    symbols = next(font for font in fonts.FONT_FILES if font.name == "HallSymbols-Regular.ttf")
    monkeypatch.setattr(fonts, "FONT_FILES", (symbols,))
    return tmp_path / symbols.name


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", "", out.stdout.decode())


def cmap(path) -> set[str]:
    return {chr(c) for c in TTFont(path, lazy=True).getBestCmap()}


def embedded_fonts(pdf: bytes) -> list[str]:
    """Font names pdffonts lists, without the subset prefix (ABCDEF+)."""
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return [re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in out.splitlines()[2:] if line.strip()]


def test_build_writes_fonts_that_cover_gb2312_and_the_rare_characters(hall_fonts):
    gb2312 = fonts.gb2312_characters()
    assert len(gb2312) > 7400
    for name in ("HallSerif-Regular.otf", "HallSerif-Bold.otf"):
        covered = cmap(hall_fonts / name)
        assert gb2312 <= covered and set("（），：；、。“”—…·0aZ") <= covered
        assert not {"堃", "𠮷"} & covered  # kept out of the everyday font
    for name in ("HallSerifExtra-Regular.otf", "HallSerifExtra-Bold.otf"):
        assert {"堃", "𠮷", "䶮", " "} <= cmap(hall_fonts / name)
    assert set("☐☑✔ ") <= cmap(hall_fonts / "HallSymbols-Regular.ttf")
    # Renumbered compactly, with no other language's glyphs: far fewer than the 65,535 of the system font.
    assert len(TTFont(hall_fonts / "HallSerif-Regular.otf", lazy=True).getGlyphOrder()) < 8000


def shaped_glyph_names(path, index: int, lines: list[str], tmp_path) -> list[list[str]]:
    """The glyphs HarfBuzz picks for each line, set as a form sets it (lang zh-Hans), by glyph name."""
    (tmp_path / "lines.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = subprocess.run(
        ["hb-shape", str(path), f"--face-index={index}", f"--text-file={tmp_path / 'lines.txt'}", "--language=zh-hans"]
        + ["--no-positions", "--no-clusters", "--no-glyph-names"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    order = TTFont(path, fontNumber=index, lazy=True).getGlyphOrder()  # CID-keyed: names are kept by subsetting
    return [[order[int(gid)] for gid in line.strip("[]").split("|")] for line in out]


def test_hall_serif_shapes_zh_hans_text_like_the_system_font(hall_fonts, tmp_path):
    # Each character among Chinese, among Latin letters, and alone: locl for zh-Hans swaps quotes and dashes.
    lines = [line for c in fonts.common_text() for line in (f"中{c}文", f"A{c}B", c)]
    for weight in ("Regular", "Bold"):
        source, index = fonts.source_font("Noto Serif CJK SC", weight)
        expected = shaped_glyph_names(source, index, lines, tmp_path)
        assert shaped_glyph_names(hall_fonts / f"HallSerif-{weight}.otf", 0, lines, tmp_path) == expected


def test_form_embeds_the_hall_serif_subsets_only(hall_fonts):
    pdf = render_blank(DocumentKind.COMMISSION_LETTER)
    names = embedded_fonts(pdf)
    assert {"Hall-Serif", "Hall-Serif-Bold", "Hall-Symbols"} <= set(names)
    assert not [name for name in names if "Noto" in name or "DejaVu" in name], names
    assert "政务服务大厅代办服务委托书" in pdf_text(pdf) and "☐大厅自取" in pdf_text(pdf)


@pytest.mark.django_db
def test_rare_characters_print_from_the_extra_font(hall_fonts, register, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    req = register(kind=Kind.AGENCY, applicant_name="欧阳𠮷堃")
    document = document_issue(actor=people["desk"], request_id=req.pk, kind="notice_of_duties")
    with document.file.open("rb") as f:
        data = f.read()
    assert "委托人：欧阳𠮷堃" in pdf_text(data)  # in the text layer too: nothing drawn as a missing glyph
    names = embedded_fonts(data)
    assert "Hall-Serif-Extra" in names and not [name for name in names if "Noto" in name], names


def page_image(pdf: bytes, tmp_path) -> bytes:
    (tmp_path / "page.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-singlefile", tmp_path / "page.pdf", tmp_path / "page"], check=True
    )
    return (tmp_path / "page.png").read_bytes()


def test_a_form_looks_the_same_with_the_pre_subset_fonts_as_with_the_system_fonts(settings, built_font_dir, tmp_path):
    # Rare characters after a space, ASCII quotes and a dash (zh-Hans locl changes those), ballot boxes.
    context = {
        "title": "政务服务大厅代办服务委托书",
        "number": "BD-2026-000001",
        "code": "BD-2026-000001-W01",
        "version": 2,
        "principal": {"name": "欧阳𠮷堃", "id_number": "4104**********0023", "phone": "138****5678"},
        "agent": {"name": "王帮办", "phone": "0375-1234567"},
        "pickup": "post",
        "recipient": {"name": "欧阳 𠮷堃 䶮", "address": '新华区建设路 1 号 "东门" —— 3 单元', "phone": "138****5678"},
    }
    template = TEMPLATES[DocumentKind.COMMISSION_LETTER]
    settings.PDF_FONT_DIR = tmp_path / "not-built"
    with_system_fonts = page_image(render_pdf(template, context, stylesheets=(FORM_STYLESHEET,)), tmp_path)
    settings.PDF_FONT_DIR = built_font_dir
    pdf = render_pdf(template, context, stylesheets=(FORM_STYLESHEET,))
    assert "Hall-Serif-Extra" in embedded_fonts(pdf)
    assert page_image(pdf, tmp_path) == with_system_fonts


def test_forms_render_with_the_system_fonts_when_the_fonts_are_not_built(settings, tmp_path):
    settings.PDF_FONT_DIR = tmp_path / "not-built"
    assert fonts.font_face_css() == ""
    pdf = render_blank(DocumentKind.ACCEPTANCE_FORM)
    assert "代办事项受理单" in pdf_text(pdf)
    assert "Noto-Serif-CJK-SC" in embedded_fonts(pdf)


def test_recommendation_letter_uses_the_same_fonts(hall_fonts):
    context = {
        "title": "关于帮办代办人员考核情况的建议函",
        "company": "某某劳务派遣有限公司",
        "centre": {"name": "新华区政务服务中心"},
        "staff": {"name": "欧阳𠮷堃"},
        "months": [{"month": "2026-09", "score": 62, "status": "done"}],
        "pass_mark": 85,
        "issued_on": date(2026, 12, 1),
        "code": "TRN-00001",
    }
    pdf = render_pdf("training/documents/recommendation_letter.html", context)
    assert "欧阳𠮷堃同志" in pdf_text(pdf)
    assert {"Hall-Serif", "Hall-Serif-Extra"} <= set(embedded_fonts(pdf))


def test_fonts_are_loaded_once_per_thread_and_again_after_a_rebuild(symbols_only):
    empty_config, _ = fonts.weasyprint_fonts()
    assert fonts.weasyprint_fonts()[0] is empty_config
    fonts.build_fonts()
    config, css = fonts.weasyprint_fonts()
    assert config is not empty_config and "Hall Symbols" in fonts.font_face_css()
    assert fonts.weasyprint_fonts() == (config, css)


def test_build_is_idempotent_unless_forced(symbols_only):
    assert fonts.build_fonts() == [symbols_only]
    built_at = symbols_only.stat().st_mtime_ns
    assert fonts.build_fonts() == []
    assert symbols_only.stat().st_mtime_ns == built_at
    assert fonts.build_fonts(force=True) == [symbols_only]


def test_font_older_than_its_source_is_rebuilt(symbols_only):
    fonts.build_fonts()
    source, _ = fonts.source_font("DejaVu Sans", "Book")
    old = source.stat().st_mtime - 60
    os.utime(symbols_only, (old, old))
    assert fonts.build_fonts() == [symbols_only]


def test_missing_hb_subset_is_reported_with_the_package_to_install(symbols_only, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "hb-subset" else REAL_WHICH(name))
    with pytest.raises(CommandError, match="hb-subset not found: install the Debian package libharfbuzz-bin"):
        call_command("build_fonts")
    assert not symbols_only.exists()


def test_missing_source_font_is_reported(symbols_only, monkeypatch):
    missing = fonts.FontFile("X.otf", "X", 400, "No Such Font Family", "Regular", fonts.symbol_text)
    monkeypatch.setattr(fonts, "FONT_FILES", (missing,))
    with pytest.raises(fonts.FontBuildError, match="'No Such Font Family' .* not found by fontconfig"):
        fonts.build_fonts()
