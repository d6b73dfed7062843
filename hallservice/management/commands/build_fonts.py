"""``manage.py build_fonts [--force]``: cut the printed forms' fonts from the system fonts (see hallservice.core.fonts)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hallservice.core.fonts import FONT_FILES, FontBuildError, build_fonts, font_dir


class Command(BaseCommand):
    help = (
        "Write the pre-subset fonts the printed forms use (Hall Serif, Hall Serif Extra, Hall Symbols) into "
        "PDF_FONT_DIR (default var/fonts) with hb-subset. Up-to-date files are kept unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Rebuild every font, even when up to date")

    def handle(self, *args, force: bool, **options) -> None:
        try:
            written = build_fonts(force=force)
        except FontBuildError as exc:
            raise CommandError(str(exc)) from exc
        for path in written:
            self.stdout.write(f"{path} ({path.stat().st_size // 1024} KiB)")
        if written:
            self.stdout.write(self.style.SUCCESS(f"{len(written)} of {len(FONT_FILES)} fonts built in {font_dir()}."))
        elif options["verbosity"] > 1:
            self.stdout.write(f"Fonts in {font_dir()} are up to date.")
