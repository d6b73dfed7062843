"""The demo catalogue: matters of the hall's departments with their required materials."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import NamedTuple

from hallservice.demo.staff import DISTRICT, FLOOR_NAMES, WH, WINDOWS
from hallservice.demo.writing import Tally, upsert
from requests.models import (
    HandlingType,
    Matter,
    RequiredMaterial,
    SubmissionForm,
)
from requests.services.catalogue import matter_save
from staff.models import Department, StaffMember, Window

SELF = "申请人自备"


class Material(NamedTuple):
    """One required material of a demo matter."""

    name: str
    how_to_obtain: str = SELF
    form: str = SubmissionForm.ORIGINAL_AND_COPY
    copies: int = 1
    waivable: bool = False


def _matters() -> list[dict]:
    """The catalogue's rows from matters.toml (data, not code: 38 matters of the same shape), materials as tuples."""
    with (Path(__file__).parent / "matters.toml").open("rb") as file:
        rows = tomllib.load(file)["matter"]
    return [{**row, "materials": [Material(*material) for material in row["materials"]]} for row in rows]


MATTERS: list[dict] = _matters()


def _accepting_window(number: str) -> str:
    """How a matter names its window, e.g. "一楼A03 不动产综合窗口"."""
    _centre, _number, name, floor, _department, _help_desk = next(
        w for w in WINDOWS if w[0] == DISTRICT and w[1] == number
    )
    return f"{FLOOR_NAMES[floor]}{number} {name}"


def seed_catalogue(tally: Tally, departments: dict[str, Department], staff: dict[str, StaffMember]) -> None:
    # A matter's responsible helper is the first window helper of its department in the hall.
    contact = {}
    for member in staff.values():
        if member.kind == WH and member.centre.code == DISTRICT:
            contact.setdefault(member.department.code, member)
    hall_windows = {w.number: w for w in Window.objects.filter(centre__code=DISTRICT)}
    for row in MATTERS:
        matter = Matter.objects.filter(code=row["code"]).first()
        tally.note("matters", matter is None)
        matter = matter or Matter(code=row["code"])
        helper = contact[row["department"]]
        matter.department = departments[row["department"]]
        matter.main_item = row["main_item"]
        matter.sub_item = row["sub_item"]
        matter.accepting_window = _accepting_window(row["window"])
        matter.window = hall_windows[row["window"]]
        matter.legal_basis = row["legal_basis"]
        matter.process = "\n".join(f"{i}. {step}" for i, step in enumerate(row["process"], start=1))
        matter.time_limit_days = row["time_limit_days"]
        matter.handling_type = HandlingType.PENDING if row["time_limit_days"] else HandlingType.IMMEDIATE
        matter.fees = row["fees"]
        matter.contact_helper = helper
        matter.contact_phone = helper.phone
        matter.is_active = True
        matter = matter_save(matter=matter)
        for position, material in enumerate(row["materials"], start=1):
            upsert(
                RequiredMaterial,
                {"matter": matter, "name": material.name},
                {
                    "position": position,
                    "how_to_obtain": material.how_to_obtain,
                    "submission_form": material.form,
                    "copies": material.copies,
                    "tolerant_waivable": material.waivable,
                },
                tally,
                "materials",
            )
