"""``manage.py import_matters FILE``: load the service catalogue from an .xlsx or .csv item list (F-CAT-1)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hallservice.core.errors import DomainError
from requests.services.catalogue_import import import_matters


class Command(BaseCommand):
    help = (
        "Import matters and their required materials from an .xlsx or .csv file (header row, one row per "
        "matter and material, keyed by 事项编码). Re-importing the same file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the .xlsx or .csv file")

    def handle(self, *args, file: str, **options) -> None:
        try:
            result = import_matters(path=file)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

        self.stdout.write(
            f"新增 {result.created} 项，更新 {result.updated} 项，未变 {result.unchanged} 项，"
            f"未导入 {len(result.skipped)} 项。"
        )
        if not result.has_errors:
            self.stdout.write(self.style.SUCCESS("导入完成，没有错误。"))
            return
        for error in result.errors:
            self.stderr.write(str(error))
        if result.skipped:
            self.stderr.write(f"因有错误而未导入的事项编码：{'、'.join(result.skipped)}")
        raise CommandError(f"共 {len(result.errors)} 个错误；其他事项已导入。请改正后重新导入。")
