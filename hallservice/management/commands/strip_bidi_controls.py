"""Remove bidi controls (U+202E & co.) from free texts stored before hallservice.core.bidi stripped them at input."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from hallservice.core.bidi import PROJECT_APPS, strip_bidi_instance


class Command(BaseCommand):
    help = "Strip bidirectional-text controls from every stored free text of the hall's apps (idempotent)."

    def handle(self, *args, **options) -> None:
        total = 0
        for label in PROJECT_APPS:
            for model in apps.get_app_config(label).get_models():
                with transaction.atomic():
                    for obj in model._default_manager.select_for_update().iterator(chunk_size=500):
                        changed = strip_bidi_instance(obj)
                        if changed:
                            # update() sends no signals and keeps auto_now stamps as they were.
                            model._default_manager.filter(pk=obj.pk).update(
                                **{name: getattr(obj, name) for name in changed}
                            )
                            total += 1
        self.stdout.write(f"{total} rows cleaned.")
