"""The demo hall's centres, departments, windows and staff with their logins (one shared demo password)."""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from pypinyin import lazy_pinyin

from hallservice.core.identity import check_digit
from hallservice.demo.writing import Tally, upsert
from staff.models import CentreLevel, Department, ServiceCentre, SpecialistRole, StaffKind, StaffMember, Window
from staff.roles import Role, sync_roles

# One password for every demo login. It is set when a user is created and never reset afterwards, so a
# password changed during a demonstration survives a re-run.
DEMO_PASSWORD = "Hall-demo-2026"

DISTRICT = "XH"

# --- Centres -------------------------------------------------------------------------------------------------
CENTRES: list[dict] = [
    {
        "code": DISTRICT,
        "name": "新华区政务服务中心",
        "level": CentreLevel.DISTRICT,
        "parent": None,
        "address": "河南省平顶山市新华区建设路西段116号",
        "phone": "0375-2690000",
        "complaint_phone": "0375-2690345",
        "opening_time": time(9, 0),
        "closing_time": time(17, 0),
    },
    {
        "code": "JD",
        "name": "焦店镇便民服务中心",
        "level": CentreLevel.TOWN,
        "parent": DISTRICT,
        "address": "平顶山市新华区焦店镇人民政府一楼",
        "phone": "0375-7310000",
        "complaint_phone": "0375-7310345",
        "opening_time": time(8, 30),
        "closing_time": time(17, 30),
    },
    {
        "code": "XSC",
        "name": "西市场街道便民服务中心",
        "level": CentreLevel.TOWN,
        "parent": DISTRICT,
        "address": "平顶山市新华区西市场街道办事处一楼东侧",
        "phone": "0375-2150000",
        "complaint_phone": "0375-2150345",
        "opening_time": time(8, 30),
        "closing_time": time(17, 30),
    },
    {
        "code": "JDC",
        "name": "焦店村便民服务站",
        "level": CentreLevel.VILLAGE,
        "parent": "JD",
        "address": "焦店镇焦店村村委会",
        "phone": "0375-7311001",
    },
    {
        "code": "CZC",
        "name": "陈庄村便民服务站",
        "level": CentreLevel.VILLAGE,
        "parent": "JD",
        "address": "焦店镇陈庄村党群服务中心",
        "phone": "0375-7311002",
    },
    {
        "code": "SGJ",
        "name": "曙光街社区便民服务站",
        "level": CentreLevel.VILLAGE,
        "parent": "XSC",
        "address": "西市场街道曙光街社区党群服务中心",
        "phone": "0375-2151001",
    },
]

# --- Departments ---------------------------------------------------------------------------------------------
# "scope" is not a model field: it words the business scope of the department's helpers and specialists.
# "chief_representative" names the member of the department's staff registered as its contact (seed 003 二(一)):
# its coordinating specialist, listed under STAFF below, so it is set once the staff exist.
DEPARTMENTS: list[dict] = [
    {
        "code": "BDC",
        "name": "不动产登记中心",
        "short_name": "不动产",
        "chief_representative": "范立军",
        "is_high_volume": True,
        "scope": "不动产首次登记、转移登记、抵押登记、注销登记及登记资料查询",
    },
    {
        "code": "GJJ",
        "name": "住房公积金管理中心",
        "short_name": "公积金",
        "chief_representative": "姚国庆",
        "is_high_volume": True,
        "scope": "住房公积金缴存、提取及个人住房贷款",
    },
    {
        "code": "SCJG",
        "name": "市场监督管理局（商事登记）",
        "short_name": "商事登记",
        "chief_representative": "廖建新",
        "is_high_volume": True,
        "scope": "企业开办、个体工商户登记、变更与注销登记、食品经营许可",
    },
    {
        "code": "GA",
        "name": "公安局（户政）",
        "short_name": "户政",
        "chief_representative": "熊文杰",
        "is_high_volume": True,
        "scope": "户口迁移、出生登记、居民身份证申领与换领",
    },
    {
        "code": "RSJ",
        "name": "人力资源和社会保障局",
        "short_name": "人社",
        "chief_representative": "陆永刚",
        "is_high_volume": False,
        "scope": "社会保障卡、城乡居民养老保险、就业创业证、失业保险金",
    },
    {
        "code": "YBJ",
        "name": "医疗保障局",
        "short_name": "医保",
        "chief_representative": "孔祥瑞",
        "is_high_volume": False,
        "scope": "医保参保登记、异地就医备案、门诊慢特病认定、零星报销",
    },
    {
        "code": "SWJ",
        "name": "税务局",
        "short_name": "税务",
        "chief_representative": "崔建设",
        "is_high_volume": False,
        "scope": "定期定额核定、发票领用、二手房交易税费申报、社保费缴纳",
    },
    {
        "code": "MZJ",
        "name": "民政局",
        "short_name": "民政",
        "chief_representative": "毛振东",
        "is_high_volume": False,
        "scope": "婚姻登记、最低生活保障、困难残疾人生活补贴",
    },
    {
        "code": "JTJ",
        "name": "交通运输局",
        "short_name": "交通",
        "chief_representative": "秦卫国",
        "is_high_volume": False,
        "scope": "道路货物运输经营许可、道路运输证配发",
    },
]

# The department registered with one specialist only, so the "two specialists" warning has something to show.
SHORT_OF_SPECIALISTS = "JTJ"

# --- Windows -------------------------------------------------------------------------------------------------


def _floor(centre: str, floor: int, prefix: str, help_desk: str, windows: str) -> list[tuple]:
    """One floor's windows, numbered in order: its help desk (no department) first, then each "name:department"."""
    rows = [(centre, f"{prefix}01", help_desk, floor, None, True)]
    for n, window in enumerate(windows.split(), start=2):
        name, department = window.split(":")
        rows.append((centre, f"{prefix}{n:02d}", name, floor, department, False))
    return rows


# (centre code, number, name, floor, department code or None, help desk)
WINDOWS: list[tuple[str, str, str, int, str | None, bool]] = [
    *_floor(
        DISTRICT,
        1,
        "A",
        "一楼帮办代办服务台",
        "不动产综合受理窗口:BDC 不动产综合窗口:BDC 不动产登记资料查询窗口:BDC 住房公积金提取窗口:GJJ "
        "住房公积金贷款窗口:GJJ 户政综合窗口:GA 居民身份证办理窗口:GA",
    ),
    *_floor(
        DISTRICT,
        2,
        "B",
        "二楼帮办代办服务台",
        "企业开办综合窗口:SCJG 个体工商户登记窗口:SCJG 食品经营许可窗口:SCJG 税务综合窗口:SWJ 发票办理窗口:SWJ "
        "交通运输综合窗口:JTJ",
    ),
    *_floor(
        DISTRICT,
        3,
        "C",
        "三楼帮办代办服务台",
        "社会保险综合窗口:RSJ 社会保障卡窗口:RSJ 医疗保障综合窗口:YBJ 婚姻登记窗口:MZJ 社会救助窗口:MZJ",
    ),
    *_floor("JD", 1, "", "帮办代办服务台", "社保医保综合窗口:RSJ 民政事务窗口:MZJ"),
    *_floor("XSC", 1, "", "帮办代办服务台", "社保医保综合窗口:YBJ"),
]

FLOOR_NAMES = {1: "一楼", 2: "二楼", 3: "三楼"}

# --- Staff ---------------------------------------------------------------------------------------------------
DISPATCH_COMPANIES = ["平顶山市鹰城人力资源服务有限公司", "河南中豫劳务派遣有限公司"]


class Person(NamedTuple):
    """One demo staff member; the username is derived from the name's pinyin unless given."""

    name: str
    kind: str
    centre: str = DISTRICT
    department: str | None = None
    window: str | None = None
    specialist_role: str = ""
    party: bool = False
    scope: str = ""
    username: str = ""
    role: str | None = None


FT = StaffKind.FULL_TIME_HELPER
WH = StaffKind.WINDOW_HELPER
DL = StaffKind.DUTY_LEADER
SP = StaffKind.SPECIALIST
COORD = SpecialistRole.COORDINATOR
WORKER = SpecialistRole.WORKER

STAFF: list[Person] = [
    # Demo logins, one per role, all in the district hall.
    Person("马丽萍", FT, window="A01", party=True, username="frontdesk", role=Role.FRONT_DESK),
    Person("蒋明辉", DL, party=True, username="dutyleader", role=Role.DUTY_LEADER),
    Person(
        "田秀英",
        DL,
        party=True,
        scope="督查指导科：值守督查、投诉处理、替岗备案",
        username="supervisor",
        role=Role.SUPERVISOR,
    ),
    Person(
        "范立军",
        SP,
        department="BDC",
        specialist_role=COORD,
        party=True,
        username="department",
        role=Role.DEPARTMENT_USER,
    ),
    Person("任志远", DL, scope="信息科：系统与基础数据维护，轮值带班", username="admin", role=Role.ADMIN),
    # Full-time helpers (purchased service), rotating monthly across windows.
    Person("赵雪梅", FT, window="A01", party=True),
    Person("孙晓燕", FT, window="A01"),
    Person("周建军", FT, window="A02"),
    Person("吴海燕", FT, window="A05"),
    Person("郑国强", FT, window="A07", party=True),
    Person("冯丽娟", FT, window="B01"),
    Person("陈立新", FT, window="B01"),
    Person("杨春霞", FT, window="B02"),
    Person("黄志勇", FT, window="C01", party=True),
    Person("刘晓静", FT, window="C01"),
    Person("何文博", FT, window="C02"),
    Person("高俊峰", FT, window="B05"),
    # Window helpers: two for each high-volume department, one for the others.
    Person("王海涛", WH, department="BDC", window="A02", party=True),
    Person("李秀兰", WH, department="BDC", window="A03"),
    Person("张红梅", WH, department="GJJ", window="A05"),
    Person("宋建华", WH, department="GJJ", window="A06", party=True),
    Person("朱晓东", WH, department="SCJG", window="B02"),
    Person("胡玉洁", WH, department="SCJG", window="B03"),
    Person("郭振宇", WH, department="GA", window="A07", party=True),
    Person("罗春燕", WH, department="GA", window="A08"),
    Person("梁志刚", WH, department="RSJ", window="C02"),
    Person("谢丽红", WH, department="YBJ", window="C04"),
    Person("韩东升", WH, department="SWJ", window="B05", party=True),
    Person("唐慧敏", WH, department="MZJ", window="C05"),
    Person("许光辉", WH, department="JTJ", window="B07"),
    # Duty leaders: section heads of the hall taking the help desk in turn.
    # A bureau leader (副局长, rosters' weekly lead): designates the key projects' agents (seed 000 三.4).
    Person("邓卫东", DL, party=True, username="bureauleader", role=Role.BUREAU_LEADER),
    Person("曹玉芳", DL, party=True),
    Person("彭建国", DL),
    Person("董淑珍", DL, party=True),
    Person("袁振华", DL),
    Person("潘永强", DL, party=True),
    # Department specialists: a coordinator and a worker each (BDC's coordinator is the demo login above).
    Person("石晓丽", SP, department="BDC", specialist_role=WORKER),
    Person("姚国庆", SP, department="GJJ", specialist_role=COORD, party=True),
    Person("谭美玲", SP, department="GJJ", specialist_role=WORKER),
    Person("廖建新", SP, department="SCJG", specialist_role=COORD, party=True),
    Person("邹晓梅", SP, department="SCJG", specialist_role=WORKER),
    Person("熊文杰", SP, department="GA", specialist_role=COORD, party=True),
    Person("金凤霞", SP, department="GA", specialist_role=WORKER),
    Person("陆永刚", SP, department="RSJ", specialist_role=COORD),
    Person("郝丽娜", SP, department="RSJ", specialist_role=WORKER),
    Person("孔祥瑞", SP, department="YBJ", specialist_role=COORD, party=True),
    Person("白雪莲", SP, department="YBJ", specialist_role=WORKER),
    Person("崔建设", SP, department="SWJ", specialist_role=COORD),
    Person("康玉兰", SP, department="SWJ", specialist_role=WORKER),
    Person("毛振东", SP, department="MZJ", specialist_role=COORD, party=True),
    Person("邱桂香", SP, department="MZJ", specialist_role=WORKER),
    Person("秦卫国", SP, department=SHORT_OF_SPECIALISTS, specialist_role=COORD),
    # Town centres: a front desk each (one of them the `towndesk` login) and a window helper.
    Person("段红霞", FT, centre="JD", window="01", username="towndesk", role=Role.FRONT_DESK),
    Person("雷保国", WH, centre="JD", department="RSJ", window="02", party=True),
    Person("侯晓丽", FT, centre="XSC", window="01"),
    Person("龙建平", WH, centre="XSC", department="YBJ", window="02"),
    # Village and community stations: one agent each, a village cadre rather than purchased service.
    Person("贾振海", FT, centre="JDC", party=True, scope="村级代办：收集材料、代为转报镇便民服务中心"),
    Person("夏春花", FT, centre="CZC", scope="村级代办：收集材料、代为转报镇便民服务中心"),
    Person("汪丽君", FT, centre="SGJ", party=True, scope="社区代办：收集材料、代为转报街道便民服务中心"),
]

# The group each kind of staff member joins; the demo logins above join their own role's group instead.
KIND_ROLES = {FT: Role.FRONT_DESK, WH: Role.FRONT_DESK, DL: Role.DUTY_LEADER, SP: Role.DEPARTMENT_USER}

# Each centre's phone numbers share a prefix; staff get consecutive extensions below it.
PHONE_PREFIX = {DISTRICT: "0375-2690", "JD": "0375-7310", "XSC": "0375-2150"}


# Region codes in applicants' ID numbers, drawn whatever the birth year, as on real cards: a number keeps the
# code of the office that issued it, so a resident born in 1950 carries 410402 (新华区, created 1983) like
# everyone else, and some carry codes since abolished (410412 舞钢区, 1990) or the city's own (410400).
COUNTY_CODES = (
    *("410402",) * 4,  # 新华区
    "410400",  # 平顶山市 (the city's own code)
    "410403",  # 卫东区
    "410404",  # 石龙区
    "410411",  # 湛河区
    "410412",  # 舞钢区, abolished in 1990
    "410421",  # 宝丰县
    "410422",  # 叶县
    "410423",  # 鲁山县
    "410425",  # 郏县
    "410481",  # 舞钢市
    "410482",  # 汝州市
    "410102",  # 郑州市中原区
)


def _usernames() -> list[str]:
    """Each person's login: the given one, or the name's pinyin with a two-digit number (zhaoxuemei01)."""
    seen: dict[str, int] = {}
    names = []
    for person in STAFF:
        if person.username:
            names.append(person.username)
            continue
        base = "".join(lazy_pinyin(person.name))
        seen[base] = seen.get(base, 0) + 1
        names.append(f"{base}{seen[base]:02d}")
    return names


def _phones() -> list[str]:
    """Work phones: the centre's prefix and a running extension; village agents use their station's phone."""
    centre_phones = {c["code"]: c["phone"] for c in CENTRES}
    counters: dict[str, int] = {}
    phones = []
    for person in STAFF:
        prefix = PHONE_PREFIX.get(person.centre)
        if prefix is None:
            phones.append(centre_phones[person.centre])
            continue
        counters[person.centre] = counters.get(person.centre, 100) + 1
        phones.append(f"{prefix}{counters[person.centre]:03d}")
    return phones


def _business_scope(person: Person, departments: dict[str, dict]) -> str:
    if person.scope:
        return person.scope
    if person.kind == SP:
        scope = departments[person.department]["scope"]
        if person.specialist_role == COORD:
            return f"统筹协调本单位帮办代办事项：{scope}"
        return f"具体承办{scope}"
    if person.kind == WH:
        return f"窗口帮办代办：{departments[person.department]['scope']}"
    if person.kind == DL:
        return "带班值守、巡查大厅、协调处置复杂事项、召集联席会议"
    return "导办咨询、帮办代办、材料预审，按月轮岗各窗口"


def seed_centres(tally: Tally) -> dict[str, ServiceCentre]:
    centres: dict[str, ServiceCentre] = {}
    # Parents come first in CENTRES, so each parent is saved before its children.
    for row in CENTRES:
        values = {k: v for k, v in row.items() if k != "code"}
        values["parent"] = centres[row["parent"]] if row["parent"] else None
        centres[row["code"]] = upsert(ServiceCentre, {"code": row["code"]}, values, tally, "centres")
    return centres


def seed_departments(tally: Tally) -> dict[str, Department]:
    return {
        row["code"]: upsert(
            Department,
            {"code": row["code"]},
            {k: v for k, v in row.items() if k not in ("code", "scope", "chief_representative")},
            tally,
            "departments",
        )
        for row in DEPARTMENTS
    }


def seed_windows(
    tally: Tally, centres: dict[str, ServiceCentre], departments: dict[str, Department]
) -> dict[tuple[str, str], Window]:
    windows = {}
    for centre_code, number, name, floor, department_code, help_desk in WINDOWS:
        windows[(centre_code, number)] = upsert(
            Window,
            {"centre": centres[centre_code], "number": number},
            {
                "name": name,
                "floor": floor,
                "department": departments[department_code] if department_code else None,
                "is_help_desk": help_desk,
                "is_active": True,
            },
            tally,
            "windows",
        )
    return windows


def seed_staff(
    tally: Tally,
    centres: dict[str, ServiceCentre],
    departments: dict[str, Department],
    windows: dict[tuple[str, str], Window],
) -> dict[str, StaffMember]:
    """Users, their staff records and their role groups; returns staff members by username."""
    user_model = get_user_model()
    sync_roles()  # the groups normally exist after migrate; this makes the seed independent of that
    groups = {role: Group.objects.get(name=role) for role in Role.values}
    department_rows = {row["code"]: row for row in DEPARTMENTS}
    # Hashing is deliberately slow; every new demo user gets the same hash of the same known password.
    password_hash = None
    members = {}
    for person, username, phone in zip(STAFF, _usernames(), _phones(), strict=True):
        user = user_model.objects.filter(username=username).first()
        tally.note("users", user is None)
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = user_model(username=username, first_name=person.name, password=password_hash)
            user.full_clean()
            user.save()
        if person.role in (Role.ADMIN, Role.SUPERVISOR) and not user.is_staff:
            # The admin login reaches Django admin through its group's permissions, not as a superuser; so does the
            # supervisor, who keeps the display board's notices there.
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(groups[person.role or KIND_ROLES[person.kind]])
        members[username] = upsert(
            StaffMember,
            {"user": user},
            {
                "name": person.name,
                "kind": person.kind,
                "centre": centres[person.centre],
                "department": departments[person.department] if person.department else None,
                "window": windows[(person.centre, person.window)] if person.window else None,
                "specialist_role": person.specialist_role,
                # 工号: the centre's code and a running number, as on the badge.
                "staff_number": f"{person.centre}{len(members) + 1:04d}",
                "business_scope": _business_scope(person, department_rows),
                "phone": phone,
                "is_party_member": person.party,
                "dispatch_company": _dispatch_company(person, len(members)),
                "id_number": _staff_id_number(len(members)),
                "is_active": True,
            },
            tally,
            "staff",
        )
    return members


def seed_chief_representatives(
    tally: Tally, departments: dict[str, Department], staff: dict[str, StaffMember]
) -> None:
    """Register each department's chief representative: the member of its staff the department row names."""
    by_name = {(member.department_id, member.name): member for member in staff.values()}
    for row in DEPARTMENTS:
        department = departments[row["code"]]
        member = by_name[(department.pk, row["chief_representative"])]
        upsert(Department, {"code": row["code"]}, {"chief_representative": member}, tally, "departments")


def _staff_id_number(index: int) -> str:
    """The ID number the commission letter prints for a helper: a local code as issued, born 1968–2003."""
    rng = random.Random(f"staff-id-{index}")
    born = date(1968, 1, 1) + timedelta(days=rng.randint(0, 35 * 365))
    body = f"{rng.choice(COUNTY_CODES)}{born:%Y%m%d}{rng.randint(10, 999):03d}"
    return body + check_digit(body)


def _dispatch_company(person: Person, index: int) -> str:
    """Purchased-service helpers of the district and town centres come from a labour-dispatch company."""
    if person.kind != FT or person.centre not in PHONE_PREFIX:
        return ""
    return DISPATCH_COMPANIES[index % len(DISPATCH_COMPANIES)]


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, name) of the demo logins, in the order they are listed to the user."""
    return [(username, str(p.role), p.name) for p, username in zip(STAFF, _usernames(), strict=True) if p.role]
