"""The demo hall a benchmark or docs/render_documents.py runs on, in its own SQLite database under var/ (never the
demo data of `make run`).

Import it before Django: it puts the project on the path and names the settings.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallservice.settings")


def scratch_database(name: str, *, keep_given: bool = False) -> Path:
    """Point Django at var/<name>.sqlite3; with ``keep_given``, a DATABASE_URL already set wins."""
    path = ROOT / "var" / f"{name}.sqlite3"
    if keep_given:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{path}")
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return path


def demo_hall() -> None:
    """Start Django, migrate and seed the demo hall (seed_demo keeps what is there already); also with DEBUG off,
    as a benchmark measuring production settings runs."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet, allow_without_debug=True)


def agency_request_with_deficiency(*, actor, matter, **applicant: str):
    """An agency request for 欧阳𠮷堃 (a rare character the fonts must carry) registered and reviewed by ``actor``:
    the first material provided, the rest missing, so that every printed form has something to say."""
    from requests import services as svc
    from requests.models import MaterialStatus

    req = svc.request_register(
        actor=actor,
        data=svc.RegistrationInput(
            kind="agency",
            matter_id=matter.pk,
            applicant_name="欧阳𠮷堃",
            applicant_id_number="410402199003150023",
            applicant_phone="13812345678",
            **applicant,
        ),
    )
    svc.request_review_materials(
        actor=actor,
        request_id=req.pk,
        reviews=[
            {"check_id": c.pk, "status": MaterialStatus.MISSING if i else MaterialStatus.PROVIDED}
            for i, c in enumerate(req.material_checks.all())
        ],
    )
    return req


def timed(fn) -> float:
    """Milliseconds one call of ``fn`` takes."""
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000
