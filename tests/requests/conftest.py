"""Fixtures for the request lifecycle: a hall with staff of every role and two matters with materials."""

import pytest

from requests.models import HandlingType
from requests.services import RegistrationInput, matter_save, request_register
from staff.models import SpecialistRole, StaffKind
from staff.roles import Role
from tests.conftest import make_staff_user
from tests.factories import VALID_ID_NUMBERS, DepartmentFactory, MatterFactory, RequiredMaterialFactory


@pytest.fixture(autouse=True)
def _sessions_survive_time_travel(settings):
    # Logins happen at frozen past times and later requests at the real time (or the other way round): a
    # ten-hour session created on a frozen 26 November has expired by the time the test reads the page.
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 366 * 3


@pytest.fixture
def people(hall):
    district, town = hall["district"], hall["town"]
    dept = DepartmentFactory(name="不动产登记中心", code="BDC")
    other_dept = DepartmentFactory(name="税务局", code="SWJ")
    return {
        "dept": dept,
        "other_dept": other_dept,
        "desk": make_staff_user(role=Role.FRONT_DESK, centre=district, username="desk", name="王帮办"),
        "desk2": make_staff_user(role=Role.FRONT_DESK, centre=district, username="desk2", name="李帮办"),
        "leader": make_staff_user(
            role=Role.DUTY_LEADER, centre=district, username="leader", name="赵带班", kind=StaffKind.DUTY_LEADER
        ),
        "supervisor": make_staff_user(role=Role.SUPERVISOR, centre=district, username="sup", name="钱督查"),
        "dept_user": make_staff_user(
            role=Role.DEPARTMENT_USER,
            centre=district,
            username="dept",
            name="孙专员",
            kind=StaffKind.SPECIALIST,
            department=other_dept,
            specialist_role=SpecialistRole.WORKER,
        ),
        "town_desk": make_staff_user(role=Role.FRONT_DESK, centre=town, username="towndesk", name="周帮办"),
        "nobody": make_staff_user(role=None, centre=district, username="norole", name="无角色"),
    }


@pytest.fixture
def matter(people):
    m = matter_save(
        matter=MatterFactory.build(
            code="BDC-001", main_item="不动产登记", sub_item="首次登记", department=people["dept"], time_limit_days=5
        )
    )
    RequiredMaterialFactory(matter=m, position=1, name="不动产登记申请书", how_to_obtain="窗口领取")
    RequiredMaterialFactory(matter=m, position=2, name="身份证明", how_to_obtain="申请人自备")
    RequiredMaterialFactory(
        matter=m, position=3, name="完税证明", how_to_obtain="税务窗口开具", tolerant_waivable=True
    )
    return m


@pytest.fixture
def immediate_matter(people):
    m = matter_save(
        matter=MatterFactory.build(
            code="BDC-010",
            main_item="不动产登记资料查询",
            department=people["dept"],
            time_limit_days=0,
            handling_type=HandlingType.IMMEDIATE,
        )
    )
    RequiredMaterialFactory(matter=m, position=1, name="身份证明")
    return m


@pytest.fixture
def register(people, matter):
    """Register a request as the front desk; all materials provided unless told otherwise."""

    def _register(actor=None, *, provide_all=True, **fields):
        actor = actor or people["desk"]
        m = fields.pop("matter", matter)
        data = {
            "kind": "assist",
            "matter_id": m.pk,
            "applicant_name": "张三",
            "applicant_id_number": VALID_ID_NUMBERS[0],
            "applicant_phone": "13812345678",
            "applicant_address": "新华区建设路 1 号",
            "provided_material_ids": [x.pk for x in m.materials.all()] if provide_all else [],
        }
        data.update(fields)
        return request_register(actor=actor, data=RegistrationInput(**data))

    return _register
