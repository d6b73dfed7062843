"""Demo data for a believable hall: the centre tree, departments, windows, staff, logins and the catalogue.

The data is plain Python in this package's modules, one per app (the catalogue's matters in matters.toml);
`seed_demo()` writes it, app by app. Every row is found again by its natural key (centre
code, department code, centre + window number, username, matter code, matter + material name), so running
the seed twice leaves the database as it was. Rows are validated with `full_clean()` before they are saved,
and matters go through `matter_save` so their pinyin search keys are filled. The request history
(`seed_requests`) is the exception: a year of backdated requests written once, in bulk, and skipped when present.
What happens today goes through the services, found again by its own key: the supervisor upholds the complaints
the history left under investigation (proposing training), citizens' bookings fill today's desk.
"""

from __future__ import annotations

from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction

from complaints.models import Complaint
from hallservice.demo.appointments import seed_appointments
from hallservice.demo.catalogue import seed_catalogue
from hallservice.demo.complaints import seed_upheld_complaints
from hallservice.demo.guide import seed_notices
from hallservice.demo.rosters import seed_rosters
from hallservice.demo.service_requests import seed_requests
from hallservice.demo.staff import (
    seed_centres,
    seed_chief_representatives,
    seed_departments,
    seed_staff,
    seed_windows,
)
from hallservice.demo.supervision import seed_skills, seed_supervision
from hallservice.demo.training import seed_training
from hallservice.demo.writing import Tally
from requests.models import Consultation, Matter, RequiredMaterial, ServiceRequest
from staff.models import Department, ServiceCentre, StaffMember, Window


@transaction.atomic
def seed_demo(*, stdout: TextIO | None = None) -> dict:
    """Build (or bring up to date) the demo hall and return per-model totals and how many rows were new."""
    tally = Tally()
    centres = seed_centres(tally)
    departments = seed_departments(tally)
    windows = seed_windows(tally, centres, departments)
    staff = seed_staff(tally, centres, departments, windows)
    seed_chief_representatives(tally, departments, staff)
    seed_catalogue(tally, departments, staff)
    seed_rosters(tally, centres, staff)
    seed_training(tally, centres, staff)
    seed_requests(tally, centres, staff)
    seed_upheld_complaints(tally, staff)
    seed_notices(tally, centres)
    seed_supervision(tally, centres, departments, staff)
    seed_appointments(tally, centres, staff)
    seed_skills(tally, centres)
    totals = {
        "centres": ServiceCentre.objects.count(),
        "departments": Department.objects.count(),
        "windows": Window.objects.count(),
        "users": get_user_model().objects.count(),
        "staff": StaffMember.objects.count(),
        "matters": Matter.objects.count(),
        "materials": RequiredMaterial.objects.count(),
        "requests": ServiceRequest.objects.count(),
        "consultations": Consultation.objects.count(),
        "complaints": Complaint.objects.count(),
    }
    if stdout is not None:
        for label, total in totals.items():
            stdout.write(f"{label}: {total} ({tally.created.get(label, 0)} new)\n")
    return {"totals": totals, "created": tally.created}
