"""Demo data for a believable hall: the centre tree, departments, windows, staff, logins and the catalogue.

The data is plain Python below; `seed_demo()` writes it. Every row is found again by its natural key (centre
code, department code, centre + window number, username, matter code, matter + material name), so running
the seed twice leaves the database as it was. Rows are validated with `full_clean()` before they are saved,
and matters go through `matter_save` so their pinyin search keys are filled. The request history
(`seed_requests`) is the exception: a year of backdated requests written once, in bulk, and skipped when present.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import NamedTuple, TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from pypinyin import lazy_pinyin
from stdnum.cn import uscc

from complaints.models import PUBLIC_SOURCES, Complaint, ComplaintEvent, ComplaintSource, ComplaintStatus
from hallservice.core.crypto import blind_index, mask_phone
from hallservice.core.identity import IdType, check_digit, mask_document_number
from hallservice.core.text_limits import excerpt
from hallservice.core.workdays import WorkingCalendar
from requests.models import (
    ApplicantType,
    Category,
    Channel,
    Consultation,
    ConsultationChannel,
    ConsultationOutcome,
    Delivery,
    DeliveryMethod,
    Evaluation,
    HandlingType,
    Handover,
    KeyProject,
    Kind,
    MaterialCheck,
    MaterialStatus,
    Matter,
    PickupMethod,
    ProgressReport,
    Rating,
    RequestEvent,
    RequiredMaterial,
    ServiceRequest,
    Status,
    SubmissionForm,
    Summary,
    Suspension,
    SuspensionReason,
)
from requests.services.catalogue import matter_save
from requests.services.closing import TERMINATION_REASONS
from requests.services.intake import LOOKUP_ALPHABET
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
DEPARTMENTS: list[dict] = [
    {
        "code": "BDC",
        "name": "不动产登记中心",
        "short_name": "不动产",
        "chief_representative": "李卫民",
        "is_high_volume": True,
        "scope": "不动产首次登记、转移登记、抵押登记、注销登记及登记资料查询",
    },
    {
        "code": "GJJ",
        "name": "住房公积金管理中心",
        "short_name": "公积金",
        "chief_representative": "张书勤",
        "is_high_volume": True,
        "scope": "住房公积金缴存、提取及个人住房贷款",
    },
    {
        "code": "SCJG",
        "name": "市场监督管理局（商事登记）",
        "short_name": "商事登记",
        "chief_representative": "陈永安",
        "is_high_volume": True,
        "scope": "企业开办、个体工商户登记、变更与注销登记、食品经营许可",
    },
    {
        "code": "GA",
        "name": "公安局（户政）",
        "short_name": "户政",
        "chief_representative": "刘振江",
        "is_high_volume": True,
        "scope": "户口迁移、出生登记、居民身份证申领与换领",
    },
    {
        "code": "RSJ",
        "name": "人力资源和社会保障局",
        "short_name": "人社",
        "chief_representative": "杨宏伟",
        "is_high_volume": False,
        "scope": "社会保障卡、城乡居民养老保险、就业创业证、失业保险金",
    },
    {
        "code": "YBJ",
        "name": "医疗保障局",
        "short_name": "医保",
        "chief_representative": "赵慧芳",
        "is_high_volume": False,
        "scope": "医保参保登记、异地就医备案、门诊慢特病认定、零星报销",
    },
    {
        "code": "SWJ",
        "name": "税务局",
        "short_name": "税务",
        "chief_representative": "孙国栋",
        "is_high_volume": False,
        "scope": "定期定额核定、发票领用、二手房交易税费申报、社保费缴纳",
    },
    {
        "code": "MZJ",
        "name": "民政局",
        "short_name": "民政",
        "chief_representative": "周爱华",
        "is_high_volume": False,
        "scope": "婚姻登记、最低生活保障、困难残疾人生活补贴",
    },
    {
        "code": "JTJ",
        "name": "交通运输局",
        "short_name": "交通",
        "chief_representative": "吴红军",
        "is_high_volume": False,
        "scope": "道路货物运输经营许可、道路运输证配发",
    },
]

# The department registered with one specialist only, so the "two specialists" warning has something to show.
SHORT_OF_SPECIALISTS = "JTJ"

# --- Windows -------------------------------------------------------------------------------------------------
# (centre code, number, name, floor, department code or None, help desk)
WINDOWS: list[tuple[str, str, str, int, str | None, bool]] = [
    (DISTRICT, "A01", "一楼帮办代办服务台", 1, None, True),
    (DISTRICT, "A02", "不动产综合受理窗口", 1, "BDC", False),
    (DISTRICT, "A03", "不动产综合窗口", 1, "BDC", False),
    (DISTRICT, "A04", "不动产登记资料查询窗口", 1, "BDC", False),
    (DISTRICT, "A05", "住房公积金提取窗口", 1, "GJJ", False),
    (DISTRICT, "A06", "住房公积金贷款窗口", 1, "GJJ", False),
    (DISTRICT, "A07", "户政综合窗口", 1, "GA", False),
    (DISTRICT, "A08", "居民身份证办理窗口", 1, "GA", False),
    (DISTRICT, "B01", "二楼帮办代办服务台", 2, None, True),
    (DISTRICT, "B02", "企业开办综合窗口", 2, "SCJG", False),
    (DISTRICT, "B03", "个体工商户登记窗口", 2, "SCJG", False),
    (DISTRICT, "B04", "食品经营许可窗口", 2, "SCJG", False),
    (DISTRICT, "B05", "税务综合窗口", 2, "SWJ", False),
    (DISTRICT, "B06", "发票办理窗口", 2, "SWJ", False),
    (DISTRICT, "B07", "交通运输综合窗口", 2, "JTJ", False),
    (DISTRICT, "C01", "三楼帮办代办服务台", 3, None, True),
    (DISTRICT, "C02", "社会保险综合窗口", 3, "RSJ", False),
    (DISTRICT, "C03", "社会保障卡窗口", 3, "RSJ", False),
    (DISTRICT, "C04", "医疗保障综合窗口", 3, "YBJ", False),
    (DISTRICT, "C05", "婚姻登记窗口", 3, "MZJ", False),
    (DISTRICT, "C06", "社会救助窗口", 3, "MZJ", False),
    ("JD", "01", "帮办代办服务台", 1, None, True),
    ("JD", "02", "社保医保综合窗口", 1, "RSJ", False),
    ("JD", "03", "民政事务窗口", 1, "MZJ", False),
    ("XSC", "01", "帮办代办服务台", 1, None, True),
    ("XSC", "02", "社保医保综合窗口", 1, "YBJ", False),
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
    Person("邓卫东", DL, party=True),
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

# --- Catalogue -----------------------------------------------------------------------------------------------
ORIGINAL = SubmissionForm.ORIGINAL
COPY = SubmissionForm.COPY
BOTH = SubmissionForm.ORIGINAL_AND_COPY
UPLOADED = SubmissionForm.UPLOADED
PLEDGE = SubmissionForm.PLEDGE

SELF = "申请人自备"
PRINT = "窗口领取，或可在一楼自助打印机打印"


class Material(NamedTuple):
    """One required material of a demo matter."""

    name: str
    how_to_obtain: str = SELF
    form: str = BOTH
    copies: int = 1
    waivable: bool = False


ID_CARD = Material("申请人居民身份证", SELF, BOTH)
BUSINESS_LICENCE = Material("营业执照", SELF, BOTH)
HUKOU = Material("居民户口簿", SELF, BOTH)

# A matter with time_limit_days 0 is settled on the spot (immediate); any other is pending.
MATTERS: list[dict] = [
    # 不动产登记中心
    {
        "code": "BDC-001",
        "department": "BDC",
        "main_item": "不动产登记",
        "sub_item": "国有建设用地使用权及房屋所有权首次登记",
        "window": "A03",
        "legal_basis": "《不动产登记暂行条例》第十四条、第十六条；《不动产登记暂行条例实施细则》第三十五条",
        "process": [
            "申请人提交申请材料",
            "窗口受理并出具受理凭证",
            "登记机构审核、实地查看",
            "登簿并缮证",
            "领取不动产权证书",
        ],
        "time_limit_days": 5,
        "fees": "住宅80元/件，非住宅550元/件；每增加一本证书加收工本费10元",
        "materials": [
            Material("不动产登记申请书", PRINT, ORIGINAL),
            Material("申请人身份证明或营业执照", SELF, BOTH),
            Material("国有建设用地使用权不动产权证书", SELF, ORIGINAL),
            Material("建设工程符合规划的材料（规划核实证明）", "到自然资源和规划局开具", BOTH),
            Material("房屋已竣工的材料（竣工验收备案表）", "到住房和城乡建设局备案后领取", COPY, 1, True),
            Material("房地产调查或者测绘报告", "委托具备资质的测绘机构出具", ORIGINAL),
        ],
    },
    {
        "code": "BDC-002",
        "department": "BDC",
        "main_item": "不动产登记",
        "sub_item": "国有建设用地使用权及房屋所有权转移登记（存量房买卖）",
        "window": "A03",
        "legal_basis": "《不动产登记暂行条例》第十四条；《不动产登记暂行条例实施细则》第三十八条",
        "process": [
            "买卖双方共同申请",
            "窗口受理，税务窗口同步申报税费",
            "登记机构审核",
            "登簿缮证",
            "领取证书或免费邮寄",
        ],
        "time_limit_days": 3,
        "fees": "住宅80元/件，非住宅550元/件（由买受人缴纳）",
        "materials": [
            Material("不动产登记申请书", PRINT, ORIGINAL),
            Material("买卖双方身份证明", SELF, BOTH),
            Material("不动产权证书", SELF, ORIGINAL),
            Material("存量房买卖合同", "可在网签系统打印", ORIGINAL, 2),
            Material("完税凭证", "税务窗口办理后当场出具", UPLOADED),
            Material("婚姻状况证明", "到婚姻登记机关查询或由申请人书面承诺", PLEDGE, 1, True),
        ],
    },
    {
        "code": "BDC-003",
        "department": "BDC",
        "main_item": "不动产登记",
        "sub_item": "抵押权首次登记",
        "window": "A02",
        "legal_basis": "《中华人民共和国民法典》第四百零二条；《不动产登记暂行条例实施细则》第六十六条",
        "process": ["抵押人与抵押权人共同申请", "窗口受理", "审核", "登簿并发放不动产登记证明"],
        "time_limit_days": 3,
        "fees": "住宅80元/件，非住宅550元/件",
        "materials": [
            Material("不动产登记申请书", PRINT, ORIGINAL),
            Material("抵押人和抵押权人身份证明", SELF, BOTH),
            Material("不动产权证书", SELF, ORIGINAL),
            Material("主债权合同及抵押合同", "由贷款银行提供", ORIGINAL),
        ],
    },
    {
        "code": "BDC-004",
        "department": "BDC",
        "main_item": "不动产登记",
        "sub_item": "抵押权注销登记",
        "window": "A02",
        "legal_basis": "《不动产登记暂行条例实施细则》第七十四条",
        "process": ["提交申请", "窗口受理并当场审核", "当场办结"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("不动产登记申请书", PRINT, ORIGINAL),
            Material("不动产登记证明（抵押）", SELF, ORIGINAL),
            Material("抵押权人同意注销的证明", "由贷款银行出具", ORIGINAL, 1, True),
        ],
    },
    {
        "code": "BDC-005",
        "department": "BDC",
        "main_item": "不动产登记",
        "sub_item": "不动产登记资料查询",
        "window": "A04",
        "legal_basis": "《不动产登记暂行条例》第二十七条；《不动产登记资料查询暂行办法》第十四条",
        "process": ["提交查询申请", "核验身份", "当场出具查询结果"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("不动产登记资料查询申请书", PRINT, ORIGINAL),
            ID_CARD,
            Material("授权委托书（委托查询时）", SELF, ORIGINAL, 1, True),
        ],
    },
    # 住房公积金管理中心
    {
        "code": "GJJ-001",
        "department": "GJJ",
        "main_item": "住房公积金提取",
        "sub_item": "购买自住住房提取",
        "window": "A05",
        "legal_basis": "《住房公积金管理条例》第二十四条",
        "process": ["提交提取申请", "窗口审核购房材料", "审批", "资金转入本人银行账户"],
        "time_limit_days": 3,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("购房合同或不动产权证书", SELF, BOTH),
            Material("购房发票或契税完税凭证", SELF, COPY, 1, True),
            Material("本人一类银行卡", SELF, ORIGINAL),
        ],
    },
    {
        "code": "GJJ-002",
        "department": "GJJ",
        "main_item": "住房公积金提取",
        "sub_item": "离退休提取",
        "window": "A05",
        "legal_basis": "《住房公积金管理条例》第二十四条第一款第（二）项",
        "process": ["提交申请", "窗口核验退休证明", "当场办结，资金转入本人账户"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("退休证或退休审批表", "由原单位或人社部门出具", BOTH),
            Material("本人一类银行卡", SELF, ORIGINAL),
        ],
    },
    {
        "code": "GJJ-003",
        "department": "GJJ",
        "main_item": "住房公积金提取",
        "sub_item": "租赁住房提取",
        "window": "A05",
        "legal_basis": "《住房公积金管理条例》第二十四条第一款第（一）项",
        "process": ["提交申请", "查询本人名下无自有住房", "当场办结"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("无房声明", PRINT, PLEDGE),
            Material("房屋租赁合同", SELF, COPY, 1, True),
        ],
    },
    {
        "code": "GJJ-004",
        "department": "GJJ",
        "main_item": "住房公积金个人住房贷款",
        "sub_item": "贷款申请",
        "window": "A06",
        "legal_basis": "《住房公积金管理条例》第二十六条",
        "process": ["提交贷款申请", "窗口受理", "贷款审批", "签订借款合同", "办理抵押登记", "放款"],
        "time_limit_days": 15,
        "fees": "不收费",
        "materials": [
            Material("借款人及配偶居民身份证", SELF, BOTH),
            Material("婚姻状况证明", "到婚姻登记机关查询或由申请人书面承诺", BOTH),
            Material("购房合同", SELF, ORIGINAL),
            Material("首付款发票或收据", "由开发企业或卖方出具", COPY),
            Material("借款人收入证明", "由所在单位出具", ORIGINAL, 1, True),
        ],
    },
    {
        "code": "GJJ-005",
        "department": "GJJ",
        "main_item": "住房公积金缴存",
        "sub_item": "单位缴存登记",
        "window": "A06",
        "legal_basis": "《住房公积金管理条例》第十四条、第十五条",
        "process": ["单位提交缴存登记", "窗口审核", "当场开立单位住房公积金账户"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("住房公积金单位缴存登记表", PRINT, ORIGINAL),
            BUSINESS_LICENCE,
            Material("经办人居民身份证", SELF, BOTH),
        ],
    },
    # 市场监督管理局（商事登记）
    {
        "code": "SCJG-001",
        "department": "SCJG",
        "main_item": "企业开办",
        "sub_item": "有限责任公司设立登记",
        "window": "B02",
        "legal_basis": "《中华人民共和国公司法》第二十九条；《中华人民共和国市场主体登记管理条例》第十九条",
        "process": ["网上申报或窗口提交", "审核", "核发营业执照", "同步刻制公章、申领发票、社保登记"],
        "time_limit_days": 1,
        "fees": "不收费；首套公章由政府免费刻制",
        "materials": [
            Material("公司登记（备案）申请书", PRINT, ORIGINAL),
            Material("公司章程", SELF, ORIGINAL),
            Material("股东主体资格证明", SELF, COPY),
            Material("法定代表人、董事、监事和经理的任职文件及身份证明", SELF, COPY),
            Material("住所使用相关文件", "房产证明或租赁合同，亦可书面承诺", PLEDGE, 1, True),
        ],
    },
    {
        "code": "SCJG-002",
        "department": "SCJG",
        "main_item": "个体工商户登记",
        "sub_item": "个体工商户设立登记",
        "window": "B03",
        "legal_basis": "《促进个体工商户发展条例》第七条；《中华人民共和国市场主体登记管理条例》第十九条",
        "process": ["提交申请", "窗口审核", "当场核发营业执照"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("个体工商户登记（备案）申请书", PRINT, ORIGINAL),
            Material("经营者居民身份证", SELF, BOTH),
            Material("经营场所使用证明", "房产证明或租赁合同，亦可书面承诺", PLEDGE, 1, True),
        ],
    },
    {
        "code": "SCJG-003",
        "department": "SCJG",
        "main_item": "企业变更登记",
        "sub_item": "法定代表人变更登记",
        "window": "B02",
        "legal_basis": "《中华人民共和国市场主体登记管理条例》第二十四条",
        "process": ["提交变更申请", "审核", "换发营业执照"],
        "time_limit_days": 1,
        "fees": "不收费",
        "materials": [
            Material("公司登记（备案）申请书", PRINT, ORIGINAL),
            Material("股东会决议或决定", SELF, ORIGINAL),
            Material("新任法定代表人身份证明", SELF, COPY),
            Material("营业执照正副本", SELF, ORIGINAL),
        ],
    },
    {
        "code": "SCJG-004",
        "department": "SCJG",
        "main_item": "企业注销",
        "sub_item": "简易注销登记",
        "window": "B02",
        "legal_basis": "《中华人民共和国市场主体登记管理条例》第三十三条",
        "process": ["国家企业信用信息公示系统公示20日", "公示期满无异议后提交申请", "审核", "准予注销"],
        "time_limit_days": 3,
        "fees": "不收费",
        "materials": [
            Material("简易注销登记申请书", PRINT, ORIGINAL),
            Material("全体投资人承诺书", PRINT, PLEDGE),
            Material("营业执照正副本", SELF, ORIGINAL, 1, True),
        ],
    },
    {
        "code": "SCJG-005",
        "department": "SCJG",
        "main_item": "食品经营许可",
        "sub_item": "食品经营许可证核发",
        "window": "B04",
        "legal_basis": "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》第二十五条",
        "process": ["提交申请", "窗口受理", "材料审查，必要时现场核查", "作出许可决定并发证"],
        "time_limit_days": 10,
        "fees": "不收费",
        "materials": [
            Material("食品经营许可申请书", PRINT, ORIGINAL),
            BUSINESS_LICENCE,
            Material("与食品经营相适应的主要设备设施布局、操作流程等文件", SELF, ORIGINAL),
            Material("食品安全管理制度", SELF, ORIGINAL, 1, True),
            Material("食品安全管理人员健康证明", "到具备资质的体检机构办理", COPY),
        ],
    },
    # 公安局（户政）
    {
        "code": "GA-001",
        "department": "GA",
        "main_item": "户口迁移",
        "sub_item": "投靠落户",
        "window": "A07",
        "legal_basis": "《中华人民共和国户口登记条例》第十三条；《河南省户口迁移登记管理规定》",
        "process": ["提交申请", "户政窗口审核", "审批", "签发准予迁入证明或办理落户"],
        "time_limit_days": 5,
        "fees": "不收费",
        "materials": [
            Material("户口迁移申请表", PRINT, ORIGINAL),
            Material("投靠人和被投靠人居民户口簿", SELF, BOTH),
            Material("投靠人和被投靠人居民身份证", SELF, BOTH),
            Material("亲属关系证明（结婚证或出生医学证明等）", "到户籍所在地派出所开具或申请人自备", BOTH),
            Material("合法稳定住所证明", "不动产权证书或租赁合同", COPY, 1, True),
        ],
    },
    {
        "code": "GA-002",
        "department": "GA",
        "main_item": "户口登记",
        "sub_item": "出生登记",
        "window": "A07",
        "legal_basis": "《中华人民共和国户口登记条例》第七条",
        "process": ["监护人提交申请", "核验出生医学证明", "当场登记并签发户口页"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("出生医学证明", "由出生医院签发", ORIGINAL),
            Material("父母双方居民户口簿", SELF, ORIGINAL),
            Material("父母双方居民身份证", SELF, ORIGINAL),
            Material("父母结婚证", SELF, COPY, 1, True),
        ],
    },
    {
        "code": "GA-003",
        "department": "GA",
        "main_item": "居民身份证",
        "sub_item": "居民身份证换领",
        "window": "A08",
        "legal_basis": "《中华人民共和国居民身份证法》第五条、第十一条",
        "process": ["现场采集人像和指纹", "窗口受理", "制证", "领取证件或免费邮寄"],
        "time_limit_days": 15,
        "fees": "工本费20元",
        "materials": [
            HUKOU,
            Material("原居民身份证", SELF, ORIGINAL),
        ],
    },
    {
        "code": "GA-004",
        "department": "GA",
        "main_item": "居民身份证",
        "sub_item": "临时居民身份证申领",
        "window": "A08",
        "legal_basis": "《中华人民共和国居民身份证法》第十二条；《临时居民身份证管理办法》第六条",
        "process": ["提交申请", "核验户籍信息", "当场制发临时居民身份证"],
        "time_limit_days": 0,
        "fees": "工本费10元",
        "materials": [
            HUKOU,
            Material("近期免冠彩色照片", "大厅一楼自助照相设备可拍摄", ORIGINAL, 2, True),
        ],
    },
    # 人力资源和社会保障局
    {
        "code": "RSJ-001",
        "department": "RSJ",
        "main_item": "社会保障卡",
        "sub_item": "补换卡",
        "window": "C03",
        "legal_basis": "《中华人民共和国社会保险法》第五十八条；《社会保障卡管理办法》",
        "process": ["挂失原卡", "现场采集照片", "即时制卡", "激活并领取新卡"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("社会保障卡（换卡时交回原卡）", SELF, ORIGINAL, 1, True),
        ],
    },
    {
        "code": "RSJ-002",
        "department": "RSJ",
        "main_item": "城乡居民养老保险",
        "sub_item": "参保登记",
        "window": "C02",
        "legal_basis": "《中华人民共和国社会保险法》第二十条、第二十二条；"
        "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        "process": ["填写参保登记表", "窗口核验", "当场完成参保登记"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("城乡居民基本养老保险参保登记表", PRINT, ORIGINAL),
            ID_CARD,
            HUKOU,
        ],
    },
    {
        "code": "RSJ-003",
        "department": "RSJ",
        "main_item": "城乡居民养老保险",
        "sub_item": "待遇申领",
        "window": "C02",
        "legal_basis": "《中华人民共和国社会保险法》第二十一条",
        "process": ["提交申领", "核定缴费年限和待遇标准", "公示", "次月起按月发放"],
        "time_limit_days": 10,
        "fees": "不收费",
        "materials": [
            Material("城乡居民基本养老保险待遇申领表", PRINT, ORIGINAL),
            ID_CARD,
            Material("本人社会保障卡", SELF, ORIGINAL, 1, True),
        ],
    },
    {
        "code": "RSJ-004",
        "department": "RSJ",
        "main_item": "就业创业",
        "sub_item": "就业创业证申领",
        "window": "C02",
        "legal_basis": "《中华人民共和国就业促进法》第三十五条；《就业服务与就业管理规定》第六十一条",
        "process": ["提交申请", "核验就业失业状态", "当场发放就业创业证（电子证）"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("近期免冠照片", "大厅一楼自助照相设备可拍摄", ORIGINAL, 1, True),
        ],
    },
    {
        "code": "RSJ-005",
        "department": "RSJ",
        "main_item": "失业保险",
        "sub_item": "失业保险金申领",
        "window": "C02",
        "legal_basis": "《失业保险条例》第十四条、第十六条；《中华人民共和国社会保险法》第四十五条",
        "process": ["提交申领", "核定领取期限", "审核", "按月发放失业保险金"],
        "time_limit_days": 10,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("解除或终止劳动合同的证明", "由原用人单位出具", ORIGINAL),
            Material("本人社会保障卡", SELF, ORIGINAL, 1, True),
        ],
    },
    # 医疗保障局
    {
        "code": "YBJ-001",
        "department": "YBJ",
        "main_item": "医保",
        "sub_item": "异地就医备案",
        "window": "C04",
        "legal_basis": "《国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》"
        "（医保发〔2022〕22号）",
        "process": ["提交备案申请（也可通过国家医保服务平台办理）", "窗口核验", "当场完成备案"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("跨省异地就医登记备案表", PRINT, ORIGINAL),
            Material("医保电子凭证或社会保障卡", SELF, UPLOADED),
            Material("异地长期居住或工作证明", "由申请人书面承诺", PLEDGE, 1, True),
        ],
    },
    {
        "code": "YBJ-002",
        "department": "YBJ",
        "main_item": "医保",
        "sub_item": "城乡居民基本医疗保险参保登记",
        "window": "C04",
        "legal_basis": "《中华人民共和国社会保险法》第二十五条",
        "process": ["提交参保信息", "窗口核验", "当场完成参保登记"],
        "time_limit_days": 0,
        "fees": "不收费（个人缴费按当年度标准缴纳）",
        "materials": [
            ID_CARD,
            HUKOU,
        ],
    },
    {
        "code": "YBJ-003",
        "department": "YBJ",
        "main_item": "医保",
        "sub_item": "门诊慢特病待遇认定",
        "window": "C04",
        "legal_basis": "《医疗保障基金使用监督管理条例》第十五条；《河南省医疗保障局关于门诊慢特病管理的相关规定》",
        "process": ["提交申请", "组织专家鉴定", "公示认定结果", "开通门诊慢特病待遇"],
        "time_limit_days": 20,
        "fees": "不收费",
        "materials": [
            Material("门诊慢特病待遇认定申请表", PRINT, ORIGINAL),
            ID_CARD,
            Material("二级及以上医院出具的诊断证明", "到就诊医院开具", ORIGINAL),
            Material("近期检查报告及病历资料", "到就诊医院复印", COPY, 1, True),
        ],
    },
    {
        "code": "YBJ-004",
        "department": "YBJ",
        "main_item": "医保",
        "sub_item": "零星医疗费用报销",
        "window": "C04",
        "legal_basis": "《中华人民共和国社会保险法》第二十八条、第二十九条",
        "process": ["提交报销材料", "审核费用明细", "核定报销金额", "转入本人社会保障卡金融账户"],
        "time_limit_days": 20,
        "fees": "不收费",
        "materials": [
            ID_CARD,
            Material("医疗费用收据", "由就诊医院出具", ORIGINAL),
            Material("费用明细清单", "由就诊医院出具", ORIGINAL),
            Material("出院小结或门诊病历", "到就诊医院复印", COPY, 1, True),
            Material("本人社会保障卡", SELF, ORIGINAL),
        ],
    },
    # 税务局
    {
        "code": "SWJ-001",
        "department": "SWJ",
        "main_item": "税务",
        "sub_item": "个体工商户定期定额核定",
        "window": "B05",
        "legal_basis": "《中华人民共和国税收征收管理法》第三十五条；《个体工商户税收定期定额征收管理办法》第八条",
        "process": ["纳税人自行申报经营情况", "税务机关核定定额", "公示", "下达核定通知书"],
        "time_limit_days": 5,
        "fees": "不收费",
        "materials": [
            Material("个体工商户定期定额申报表", PRINT, ORIGINAL),
            BUSINESS_LICENCE,
            Material("经营者居民身份证", SELF, COPY),
        ],
    },
    {
        "code": "SWJ-002",
        "department": "SWJ",
        "main_item": "发票办理",
        "sub_item": "发票领用",
        "window": "B06",
        "legal_basis": "《中华人民共和国发票管理办法》第十五条",
        "process": ["提交领用申请", "核定发票种类和数量", "当场办结"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("经办人居民身份证", SELF, ORIGINAL),
            Material("发票专用章印模", SELF, ORIGINAL, 1, True),
        ],
    },
    {
        "code": "SWJ-003",
        "department": "SWJ",
        "main_item": "不动产交易税费",
        "sub_item": "存量房交易契税申报",
        "window": "A03",
        "legal_basis": "《中华人民共和国契税法》第三条、第九条",
        "process": ["与不动产登记同窗受理", "核定计税价格", "缴纳税款", "出具完税凭证"],
        "time_limit_days": 0,
        "fees": "不收费（契税按《中华人民共和国契税法》规定税率缴纳）",
        "materials": [
            Material("买卖双方身份证明", SELF, COPY),
            Material("存量房买卖合同", "可在网签系统打印", COPY),
            Material("家庭住房情况查询结果", "不动产登记资料查询窗口出具", ORIGINAL, 1, True),
        ],
    },
    {
        "code": "SWJ-004",
        "department": "SWJ",
        "main_item": "社会保险费",
        "sub_item": "灵活就业人员社会保险费缴纳",
        "window": "B05",
        "legal_basis": "《中华人民共和国社会保险法》第六十条；《社会保险费征缴暂行条例》",
        "process": ["核对参保信息", "选择缴费档次", "当场缴费并出具缴费凭证"],
        "time_limit_days": 0,
        "fees": "不收费（社会保险费按选定档次缴纳）",
        "materials": [
            ID_CARD,
            Material("银行卡（委托扣款时）", SELF, ORIGINAL, 1, True),
        ],
    },
    # 民政局
    {
        "code": "MZJ-001",
        "department": "MZJ",
        "main_item": "婚姻登记",
        "sub_item": "内地居民结婚登记",
        "window": "C05",
        "legal_basis": "《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》第四条、第五条",
        "process": ["双方共同到场申请", "签署声明", "婚姻登记员审查", "当场颁发结婚证"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("双方居民身份证", SELF, ORIGINAL),
            Material("双方居民户口簿", SELF, ORIGINAL, 1, True),
            Material("双方近期半身免冠合影照片", "可在婚姻登记处拍摄", ORIGINAL, 3),
            Material("申请结婚登记声明书", "窗口领取，在婚姻登记员面前签署", PLEDGE),
        ],
    },
    {
        "code": "MZJ-002",
        "department": "MZJ",
        "main_item": "婚姻登记",
        "sub_item": "补领结婚证",
        "window": "C05",
        "legal_basis": "《婚姻登记条例》第十七条",
        "process": ["提交申请", "查询婚姻登记档案", "当场补发结婚证"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("申请人居民身份证", SELF, ORIGINAL),
            Material("近期半身免冠合影照片", "可在婚姻登记处拍摄", ORIGINAL, 2),
            Material("婚姻登记档案查询证明", "档案不在本处时到原登记机关开具", ORIGINAL, 1, True),
        ],
    },
    {
        "code": "MZJ-003",
        "department": "MZJ",
        "main_item": "社会救助",
        "sub_item": "最低生活保障审核确认",
        "window": "C06",
        "legal_basis": "《社会救助暂行办法》第十一条；《最低生活保障审核确认办法》第十四条",
        "process": ["向户籍所在地乡镇（街道）提出申请", "家庭经济状况调查核对", "民主评议并公示", "民政局审核确认"],
        "time_limit_days": 25,
        "fees": "不收费",
        "materials": [
            Material("最低生活保障申请书", PRINT, ORIGINAL),
            Material("家庭成员居民身份证和户口簿", SELF, COPY),
            Material("家庭经济状况核对授权书", PRINT, PLEDGE),
            Material("家庭收入及财产情况说明", SELF, PLEDGE, 1, True),
        ],
    },
    {
        "code": "MZJ-004",
        "department": "MZJ",
        "main_item": "残疾人两项补贴",
        "sub_item": "困难残疾人生活补贴申请",
        "window": "C06",
        "legal_basis": "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
        "process": ["提交申请", "乡镇（街道）初审", "残联审核", "民政局审定并发放"],
        "time_limit_days": 20,
        "fees": "不收费",
        "materials": [
            Material("困难残疾人生活补贴申请审批表", PRINT, ORIGINAL),
            Material("第二代中华人民共和国残疾人证", SELF, BOTH),
            Material("最低生活保障证明", "由乡镇（街道）民政办开具", COPY, 1, True),
        ],
    },
    # 交通运输局
    {
        "code": "JTJ-001",
        "department": "JTJ",
        "main_item": "道路运输",
        "sub_item": "道路货物运输经营许可",
        "window": "B07",
        "legal_basis": "《中华人民共和国道路运输条例》第二十四条；《道路货物运输及站场管理规定》第八条",
        "process": ["提交申请", "窗口受理", "审查", "作出许可决定并发放道路运输经营许可证"],
        "time_limit_days": 10,
        "fees": "不收费",
        "materials": [
            Material("道路货物运输经营申请表", PRINT, ORIGINAL),
            Material("负责人身份证明", SELF, COPY),
            Material("机动车辆行驶证", SELF, COPY),
            Material("驾驶人员从业资格证", SELF, COPY, 1, True),
            Material("安全生产管理制度文本", SELF, ORIGINAL),
        ],
    },
    {
        "code": "JTJ-002",
        "department": "JTJ",
        "main_item": "道路运输",
        "sub_item": "道路运输证配发",
        "window": "B07",
        "legal_basis": "《中华人民共和国道路运输条例》第二十四条第三款",
        "process": ["提交车辆信息", "核验车辆技术等级", "当场配发道路运输证"],
        "time_limit_days": 0,
        "fees": "不收费",
        "materials": [
            Material("道路运输经营许可证", SELF, COPY),
            Material("机动车辆行驶证", SELF, BOTH),
            Material("车辆综合性能检测报告", "到具备资质的机动车检验检测机构检测", ORIGINAL, 1, True),
        ],
    },
]


# --- Writing -------------------------------------------------------------------------------------------------
class _Tally:
    """Counts the rows created by one seed run, model by model."""

    def __init__(self) -> None:
        self.created: dict[str, int] = {}

    def note(self, label: str, created: bool) -> None:
        self.created[label] = self.created.get(label, 0) + int(created)


def _upsert(model: type[models.Model], lookup: dict, values: dict, tally: _Tally, label: str) -> models.Model:
    """Find a row by its natural key or start a new one, apply `values`, validate, save."""
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    for field, value in values.items():
        setattr(obj, field, value)
    obj.full_clean()
    obj.save()
    tally.note(label, created)
    return obj


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


def _seed_centres(tally: _Tally) -> dict[str, ServiceCentre]:
    centres: dict[str, ServiceCentre] = {}
    # Parents come first in CENTRES, so each parent is saved before its children.
    for row in CENTRES:
        values = {k: v for k, v in row.items() if k != "code"}
        values["parent"] = centres[row["parent"]] if row["parent"] else None
        centres[row["code"]] = _upsert(ServiceCentre, {"code": row["code"]}, values, tally, "centres")
    return centres


def _seed_departments(tally: _Tally) -> dict[str, Department]:
    return {
        row["code"]: _upsert(
            Department,
            {"code": row["code"]},
            {k: v for k, v in row.items() if k not in ("code", "scope")},
            tally,
            "departments",
        )
        for row in DEPARTMENTS
    }


def _seed_windows(
    tally: _Tally, centres: dict[str, ServiceCentre], departments: dict[str, Department]
) -> dict[tuple[str, str], Window]:
    windows = {}
    for centre_code, number, name, floor, department_code, help_desk in WINDOWS:
        windows[(centre_code, number)] = _upsert(
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


def _seed_staff(
    tally: _Tally,
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
        if person.role == Role.ADMIN and not user.is_staff:
            # The admin login reaches Django admin through its group's permissions, not as a superuser.
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(groups[person.role or KIND_ROLES[person.kind]])
        members[username] = _upsert(
            StaffMember,
            {"user": user},
            {
                "name": person.name,
                "kind": person.kind,
                "centre": centres[person.centre],
                "department": departments[person.department] if person.department else None,
                "window": windows[(person.centre, person.window)] if person.window else None,
                "specialist_role": person.specialist_role,
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


def _accepting_window(number: str) -> str:
    """How a matter names its window, e.g. "一楼A03 不动产综合窗口"."""
    _centre, _number, name, floor, _department, _help_desk = next(
        w for w in WINDOWS if w[0] == DISTRICT and w[1] == number
    )
    return f"{FLOOR_NAMES[floor]}{number} {name}"


def _seed_catalogue(tally: _Tally, departments: dict[str, Department], staff: dict[str, StaffMember]) -> None:
    # A matter's responsible helper is the first window helper of its department in the hall.
    contact = {}
    for member in staff.values():
        if member.kind == WH and member.centre.code == DISTRICT:
            contact.setdefault(member.department.code, member)
    for row in MATTERS:
        matter = Matter.objects.filter(code=row["code"]).first()
        tally.note("matters", matter is None)
        matter = matter or Matter(code=row["code"])
        helper = contact[row["department"]]
        matter.department = departments[row["department"]]
        matter.main_item = row["main_item"]
        matter.sub_item = row["sub_item"]
        matter.accepting_window = _accepting_window(row["window"])
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
            _upsert(
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


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, name) of the demo logins, in the order they are listed to the user."""
    return [(username, str(p.role), p.name) for p, username in zip(STAFF, _usernames(), strict=True) if p.role]


@transaction.atomic
def seed_demo(*, stdout: TextIO | None = None) -> dict:
    """Build (or bring up to date) the demo hall and return per-model totals and how many rows were new."""
    tally = _Tally()
    centres = _seed_centres(tally)
    departments = _seed_departments(tally)
    windows = _seed_windows(tally, centres, departments)
    staff = _seed_staff(tally, centres, departments, windows)
    _seed_catalogue(tally, departments, staff)
    seed_rosters(tally, centres, staff)
    seed_training(tally, centres, staff)
    seed_requests(tally, centres, staff)
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


# --- Rosters (F-ROS) -----------------------------------------------------------------------------------------
# Two duty leaders of the hall are bureau leaders taking the weekly lead; absences fall on fixed days of the
# month so that a re-run in the same month finds them again.
BUREAU_LEADERS = {"邓卫东": "副局长", "曹玉芳": "副局长"}
DEMO_ABSENCES = [  # (name, kind, first working day of the month it starts on, length in days, note, source)
    ("孙晓燕", "leave", 6, 3, "年休假", ""),
    ("彭建国", "travel", 9, 2, "赴省厅参加业务培训", ""),
    ("何文博", "study", 12, 1, "月考未达85分，脱岗学习一天", "training:demo"),
]


def seed_rosters(tally: _Tally, centres: dict[str, ServiceCentre], staff: dict[str, StaffMember]) -> None:
    """Rotation plans for the hall: three published months of history, this month published with duty, check-ins,
    substitutions and duty summaries up to today, next month as a draft. Runs through the rosters services."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from hallservice.core.months import add_months, month_start
    from rosters.models import (
        BureauLeader,
        CheckIn,
        CheckInSource,
        CheckInStatus,
        Duty,
        DutySummary,
        RotationPlan,
        Substitution,
    )
    from rosters.selectors import day_roster, month_working_days
    from rosters.services import (
        duty_summary_file,
        rotation_plan_generate,
        rotation_plan_publish,
        substitution_approve,
        substitution_request,
        unavailability_record,
    )

    district = centres[DISTRICT]
    # Help desks need a full-time helper every day; a department window may go without one this month.
    for window in Window.objects.filter(centre__code__in=PHONE_PREFIX):
        wanted = (1, 2) if window.is_help_desk else (0, 1)
        if (window.min_staff, window.max_staff) != wanted:
            window.min_staff, window.max_staff = wanted
            window.save(update_fields=["min_staff", "max_staff"])
    by_name = {member.name: member for member in staff.values()}
    for name, title in BUREAU_LEADERS.items():
        _leader, created = BureauLeader.objects.get_or_create(staff=by_name[name], defaults={"title": title})
        tally.note("rosters", created)

    supervisor = staff["supervisor"].user
    started = timezone.now()
    today = timezone.localdate()
    this_month = month_start(today)
    days = month_working_days(this_month)
    for name, kind, nth, length, note, source in DEMO_ABSENCES:
        start = days[min(nth, len(days) - 1)]
        record = unavailability_record(
            actor=supervisor,
            staff_id=by_name[name].pk,
            start=start,
            end=start + timedelta(days=length - 1),
            kind=kind,
            note=note,
            source=source,
        )
        tally.note("rosters", record.created_at >= started)

    for offset in (-3, -2, -1, 0, 1):
        month = add_months(this_month, offset)
        plan = RotationPlan.objects.filter(centre=district, month=month).first()
        tally.note("rosters", plan is None)
        if plan is None:
            plan = rotation_plan_generate(actor=supervisor, centre_id=district.pk, month=month)
        if offset <= 0 and plan.is_draft:
            rotation_plan_publish(actor=supervisor, plan_id=plan.pk, confirm_repeats=True)

    # Today's and the next duty leader each file a substitution: today's is approved, the next one waits.
    plan = RotationPlan.objects.get(centre=district, month=this_month)
    leaders = [m for m in staff.values() if m.kind == DL and m.centre_id == district.pk]
    for n, duty_day in enumerate(
        plan.duty_days.filter(day__gte=today).select_related("planned_leader__user").order_by("day")[:2]
    ):
        absent = duty_day.planned_leader  # after an approval the day's leader is the substitute
        if Substitution.objects.filter(centre=district, day=duty_day.day, duty=Duty.DUTY_LEADER).exists():
            continue
        away = set(day_roster(district, duty_day.day).away)
        substitute = next(
            (m for m in leaders if m.pk not in away | {absent.pk} and m.name not in BUREAU_LEADERS), None
        )
        if substitute is None:
            continue
        sub = substitution_request(
            actor=absent.user,
            absent_id=absent.pk,
            substitute_id=substitute.pk,
            day=duty_day.day,
            duty=Duty.DUTY_LEADER,
            reason="参加市政务服务管理局专题会议" if n == 0 else "赴企业现场帮办重点项目",
        )
        if n == 0:
            substitution_approve(actor=supervisor, substitution_id=sub.pk, note="同意，已备案")
        tally.note("rosters", True)

    # Arrivals on the working days of this month so far (today only once the hall has opened).
    now = timezone.now()
    opening = district.opening_time
    for day in [d for d in days if d <= today]:
        if day == today and now < timezone.make_aware(datetime.combine(day, opening)):
            continue
        roster = day_roster(district, day)
        for i, staff_id in enumerate(sorted(roster.expected)):
            if i % 13 == 7:
                if day == today:
                    continue  # not in yet
                status, minutes = CheckInStatus.ABSENT, None
            elif i % 9 == 4:
                status, minutes = CheckInStatus.LATE, 7
            else:
                status, minutes = CheckInStatus.ON_TIME, -12 - i % 9
            at = (
                None
                if minutes is None
                else timezone.make_aware(datetime.combine(day, opening)) + timedelta(minutes=minutes)
            )
            _check_in, created = CheckIn.objects.get_or_create(
                staff_id=staff_id,
                day=day,
                defaults={
                    "centre": district,
                    "status": status,
                    "checked_in_at": at,
                    "badge_worn": i % 11 != 3,
                    "source": CheckInSource.SYSTEM if at is None else CheckInSource.SELF,
                },
            )
            tally.note("rosters", created)

    for duty_day in plan.duty_days.filter(day__lt=today).select_related("leader__user").order_by("-day")[:3]:
        if not DutySummary.objects.filter(duty_day=duty_day).exists():
            duty_summary_file(
                actor=duty_day.leader.user, duty_day_id=duty_day.pk, notes="巡查一至三楼，帮办代办工作正常。"
            )
            tally.note("rosters", True)


# --- Training (F-TRN) ----------------------------------------------------------------------------------------
# A weekly training every Tuesday afternoon for the hall's full-time helpers (three months back, this month and
# next), a department short training and an ad-hoc one; a question bank from their content; the last three
# months' tests closed with scores (何文博 below 85 each time: study days and a recommendation letter) and this
# month's test open, not yet taken by the `frontdesk` login. Found again by natural keys on a re-run.
TRAINING_TOPICS = ["不动产登记", "住房公积金", "商事登记", "户政业务", "服务规范与首问负责"]
TRAINING_BANK = [  # (kind, topic, question, options, answer letters or 对/错, explanation)
    (
        "单选",
        "不动产登记",
        "办理存量房买卖转移登记，买卖双方应当",
        ["共同申请", "由买方单方申请", "由卖方单方申请", "由中介代为申请，无需委托"],
        "A",
        "转移登记原则上由双方共同申请，委托他人办理的须提交授权委托书。",
    ),
    (
        "多选",
        "不动产登记",
        "存量房转移登记通常需要提交的材料有",
        ["不动产权属证书", "买卖合同", "完税凭证", "户口迁移证明"],
        "ABC",
        "户口迁移证明不属于转移登记材料。",
    ),
    (
        "判断",
        "不动产登记",
        "不动产抵押权注销登记可以由抵押权人单方申请。",
        [],
        "对",
        "债权消灭或抵押权人放弃抵押权的，抵押权人可单方申请注销。",
    ),
    (
        "单选",
        "不动产登记",
        "不动产登记资料查询，权利人查询时应提交",
        ["本人身份证明", "单位介绍信", "律师调查令", "任何人均可直接查询"],
        "A",
        "权利人凭身份证明可查询本人不动产登记结果。",
    ),
    (
        "单选",
        "住房公积金",
        "职工购买自住住房申请提取住房公积金，一般需提供",
        ["购房合同和付款凭证", "工资流水", "社保缴费证明", "户口簿"],
        "A",
        "购房提取以购房合同、发票或付款凭证为依据。",
    ),
    (
        "多选",
        "住房公积金",
        "下列情形可以申请提取住房公积金的有",
        ["购买自住住房", "偿还购房贷款本息", "支付房租", "购买汽车"],
        "ABC",
        "购买汽车不属于提取情形。",
    ),
    (
        "判断",
        "住房公积金",
        "离职后即可全额提取住房公积金。",
        [],
        "错",
        "须符合规定的提取情形，如与单位终止劳动关系未再就业满规定期限等。",
    ),
    (
        "单选",
        "住房公积金",
        "住房公积金个人贷款申请人的缴存要求一般为连续足额缴存满",
        ["6个月", "1个月", "3年", "无要求"],
        "A",
        "以本地住房公积金管理中心公布的政策为准，通常为连续足额缴存6个月以上。",
    ),
    (
        "单选",
        "商事登记",
        "设立有限责任公司，办理营业执照的部门是",
        ["市场监督管理部门", "税务部门", "人力资源和社会保障部门", "住房公积金管理中心"],
        "A",
        "企业登记由市场监督管理部门办理。",
    ),
    (
        "多选",
        "商事登记",
        "企业开办“一网通办”可一并办理的事项有",
        ["营业执照", "公章刻制", "发票申领", "不动产登记"],
        "ABC",
        "不动产登记不属于企业开办环节。",
    ),
    (
        "判断",
        "商事登记",
        "个体工商户变更经营者，可以直接办理变更登记。",
        [],
        "错",
        "个体工商户变更经营者应当先注销再重新办理设立登记（符合条件的可直接变更）。以窗口最新政策为准。",
    ),
    (
        "单选",
        "商事登记",
        "企业名称自主申报后，申请人应当",
        ["对名称的合法性负责", "等待人工审批三个工作日", "缴纳名称使用费", "到公安机关备案"],
        "A",
        "名称自主申报实行申请人承诺制。",
    ),
    (
        "单选",
        "户政业务",
        "居民身份证有效期满换领，应当在期满前",
        ["三个月内申请", "一年内申请", "期满后再申请", "任何时间均可且不影响使用"],
        "A",
        "有效期满前三个月内可申请换领。",
    ),
    (
        "多选",
        "户政业务",
        "办理新生儿出生登记需要的材料有",
        ["出生医学证明", "父母一方的居民户口簿", "父母结婚证", "房产证"],
        "ABC",
        "房产证不是出生登记的必需材料。",
    ),
    (
        "判断",
        "户政业务",
        "居民身份证可以由他人代为申领。",
        [],
        "错",
        "首次申领和换领须本人到场采集人像和指纹，未满十六周岁的由监护人陪同。",
    ),
    (
        "单选",
        "服务规范与首问负责",
        "帮办代办人员应当提前多少分钟到岗",
        ["10分钟", "5分钟", "30分钟", "不作要求"],
        "A",
        "提前上岗制：提前十分钟到岗，佩戴专门标识。",
    ),
    (
        "多选",
        "服务规范与首问负责",
        "首问负责制要求第一位被询问的工作人员",
        ["负责解答或引导", "不能解答的负责转交并跟踪", "告知办事群众联系方式", "推给其他窗口即可"],
        "ABC",
        "首问负责人对咨询负责到底，直至转交清楚。",
    ),
    (
        "判断",
        "服务规范与首问负责",
        "帮办代办服务可以收取少量服务费用。",
        [],
        "错",
        "帮办代办服务全程免费，收取费用、收受礼品属于违规行为。",
    ),
    (
        "单选",
        "服务规范与首问负责",
        "对材料不齐全的帮办事项，帮办人员应当",
        ["一次性告知缺少的材料及补齐途径", "让群众自行查询", "拒绝受理", "分多次告知"],
        "A",
        "一次性告知，方便群众快捷补齐材料。",
    ),
    (
        "判断",
        "服务规范与首问负责",
        "党员帮办代办员上岗时应佩戴党徽，亮明身份。",
        [],
        "对",
        "帮办代办工作制度：党员帮办代办制。",
    ),
]
# Last three months' scores of the hall's full-time helpers, by name: 何文博 fails all three.
# Papers of 10 distinct questions: the bank holds 20 questions (and their variants, which count once), of
# which a month's four or five topics give 15 or more.
TRAINING_PAPER = 10
TRAINING_SCORES = {"何文博": (8, 7, 8), "孙晓燕": (9, 8, 9), "冯丽娟": (10, 9, 9)}
TRAINING_DEFAULT_RIGHT = 9  # of 10 questions: 90 points


def seed_training(tally: _Tally, centres: dict[str, ServiceCentre], staff: dict[str, StaffMember]) -> None:
    """Trainings, attendance, the bank and monthly tests for the district hall, through the training services."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from hallservice.core.months import add_months, month_end, month_start
    from training.draw import draw
    from training.importing import parse_answer, parse_kind
    from training.models import (
        Attempt,
        AttemptQuestion,
        AttemptStatus,
        AttendanceStatus,
        MonthlyTest,
        MonthlyTestStatus,
        Option,
        SessionKind,
        SessionStatus,
        TrainingNotice,
        TrainingSession,
    )
    from training.selectors import pool_for, required_attendees
    from training.services import (
        ImportRow,
        attempt_start,
        attempt_submit,
        attendance_record,
        monthly_test_apply_consequences,
        monthly_test_close,
        monthly_test_create,
        monthly_test_publish,
        question_import,
        session_complete,
        session_create,
        topic_create,
    )
    from training.services.paper import attempt_grade

    district = centres[DISTRICT]
    supervisor = staff["supervisor"].user
    department_user = staff["department"].user
    topics = {name: topic_create(actor=supervisor, name=name) for name in TRAINING_TOPICS}
    tz = timezone.get_current_timezone()
    now = timezone.now()
    today = timezone.localdate()
    this_month = month_start(today)
    helpers = list(required_attendees(district.pk))

    # Every Tuesday 16:00 from three months back to the end of next month; the topics take turns.
    first = add_months(this_month, -3)
    day = first + timedelta(days=(1 - first.weekday()) % 7)
    while day <= month_end(add_months(this_month, 1)):
        n = day.toordinal() // 7  # the week: the same topic and marks whatever day the seed runs
        topic = TRAINING_TOPICS[n % len(TRAINING_TOPICS)]
        starts = datetime.combine(day, datetime.min.time().replace(hour=16), tzinfo=tz)
        title = f"{topic}业务培训（{day.month}月{day.day}日）"
        session = TrainingSession.objects.filter(centre=district, kind=SessionKind.WEEKLY, starts_at=starts).first()
        tally.note("training", session is None)
        if session is None:
            session = session_create(
                actor=supervisor,
                centre_id=district.pk,
                kind=SessionKind.WEEKLY,
                topic_id=topics[topic].pk,
                title=title,
                starts_at=starts,
                duration_minutes=60,
                location="三楼培训室",
                trainer_name="窗口业务骨干",
                content=f"{topic}：办理流程、材料清单与常见问题；结合本周帮办代办台账中的疑难事项讲解。",
            )
        if session.status == SessionStatus.PLANNED and starts + timedelta(hours=1) < now:
            marks = {}
            notes = {}
            for i, member in enumerate(helpers):
                if (i + n) % 11 == 3:
                    marks[member.pk], notes[member.pk] = AttendanceStatus.EXCUSED, "年休假"
                elif (i + n) % 7 == 5 or (member.name == "何文博" and n % 2):
                    marks[member.pk] = AttendanceStatus.ABSENT
                else:
                    marks[member.pk] = AttendanceStatus.PRESENT
            attendance_record(actor=supervisor, session_id=session.pk, marks=marks, notes=notes)
            session_complete(actor=supervisor, session_id=session.pk)
            TrainingNotice.objects.filter(key=f"session:{session.pk}").update(read_at=now)
        day += timedelta(days=7)

    # A department short training in the hall this month (the helpers are told) and an ad-hoc one.
    extra = [
        (department_user, SessionKind.DEPARTMENT, "不动产登记", "不动产登记新政解读（不动产登记中心）", 18, 10),
        (supervisor, SessionKind.AD_HOC, "服务规范与首问负责", "服务礼仪与投诉处理专题", 26, 15),
    ]
    for actor, kind, topic, title, day_of_month, hour in extra:
        if not TrainingSession.objects.filter(centre=district, title=title).exists():
            day = min(this_month + timedelta(days=day_of_month - 1), month_end(this_month))
            session_create(
                actor=actor,
                centre_id=district.pk,
                kind=kind,
                topic_id=topics[topic].pk,
                title=title,
                starts_at=datetime.combine(day, datetime.min.time().replace(hour=hour), tzinfo=tz),
                location="一楼帮办代办区",
                trainer_name="李卫民" if kind == SessionKind.DEPARTMENT else "田秀英",
                content="结合近期群众反映的问题讲解。",
            )
            tally.note("training", True)

    # The bank, through the import (a question already in the bank is skipped), with three variants of each
    # question ("（变式N）", grouped with it by the import: a paper holds one of them).
    rows = []
    for round_ in range(4):
        for i, (kind, topic, text, options, answer, explanation) in enumerate(TRAINING_BANK):
            kind = parse_kind(kind)
            suffix = "" if round_ == 0 else f"（变式{round_}）"
            rows.append(
                ImportRow(
                    row=len(rows) + 2,
                    kind=kind,
                    topic=topic,
                    text=f"{text}{suffix}",
                    options=list(options),
                    answer=parse_answer(kind, answer),
                    explanation=explanation,
                    difficulty=1 + (i + round_) % 3,
                )
            )
    result = question_import(actor=supervisor, centre_id=district.pk, rows=rows)
    tally.created["training"] = tally.created.get("training", 0) + result.created

    # The last three months: closed tests with scores. Their papers are written as they would have been then.
    for back in (3, 2, 1):
        month = add_months(this_month, -back)
        test = MonthlyTest.objects.filter(centre=district, month=month).first()
        if test is not None:
            continue
        closes = datetime.combine(
            month_end(month) - timedelta(days=2), datetime.min.time().replace(hour=18), tzinfo=tz
        )
        test = monthly_test_create(
            actor=supervisor,
            centre_id=district.pk,
            month=month,
            question_count=TRAINING_PAPER,
            time_limit_minutes=30,
            opens_at=closes - timedelta(days=3, hours=9),
            closes_at=closes,
        )
        MonthlyTest.objects.filter(pk=test.pk).update(status=MonthlyTestStatus.PUBLISHED, published_at=test.opens_at)
        test.refresh_from_db()
        pool = pool_for(district, month)
        correct = {}
        for question_id, option_id in Option.objects.filter(is_correct=True).values_list("question_id", "pk"):
            correct.setdefault(question_id, []).append(option_id)
        for i, member in enumerate(helpers):
            if member.name == "高俊峰" and back == 2:
                continue  # did not take it: "not taken" at closing
            right = TRAINING_SCORES.get(member.name, (TRAINING_DEFAULT_RIGHT,) * 3)[3 - back]
            started = test.opens_at + timedelta(hours=1 + i)
            attempt = Attempt.objects.create(
                test=test,
                staff=member,
                seed=test.pk * 1000 + i,
                started_at=started,
                deadline=started + timedelta(minutes=30),
            )
            drawn = draw(pool, {}, test.question_count, attempt.seed)
            AttemptQuestion.objects.bulk_create(
                [
                    AttemptQuestion(
                        attempt=attempt,
                        question_id=d.question_id,
                        position=position,
                        option_order=list(d.option_order),
                        chosen=correct[d.question_id]
                        if position <= right
                        else [next(o for o in d.option_order if o not in correct[d.question_id])],
                        answered_at=started + timedelta(minutes=position),
                    )
                    for position, d in enumerate(drawn, start=1)
                ]
            )
            attempt_grade(attempt, status=AttemptStatus.SUBMITTED, now=started + timedelta(minutes=25))
        monthly_test_close(actor=None, test_id=test.pk, now=closes)
        monthly_test_apply_consequences(actor=None, test_id=test.pk, now=closes + timedelta(minutes=5))
        TrainingNotice.objects.filter(key=f"test:{test.pk}").update(read_at=now)
        tally.note("training", True)

    # This month's test: open since two days ago for five days; two helpers have handed in already.
    if not MonthlyTest.objects.filter(centre=district, month=this_month).exists():
        opens = datetime.combine(today - timedelta(days=2), datetime.min.time().replace(hour=9), tzinfo=tz)
        test = monthly_test_create(
            actor=supervisor,
            centre_id=district.pk,
            month=this_month,
            question_count=TRAINING_PAPER,
            time_limit_minutes=30,
            opens_at=opens,
            closes_at=opens + timedelta(days=5, hours=9),
            quotas={topics["服务规范与首问负责"].pk: 4},
        )
        monthly_test_publish(actor=supervisor, test_id=test.pk)
        for member, right in zip(helpers[:2], (10, 9), strict=False):
            if member.user.username == "frontdesk":
                continue
            attempt = attempt_start(actor=member.user, test_id=test.pk)
            answers = {}
            for position, row in enumerate(attempt.questions.order_by("position"), start=1):
                ids = list(
                    Option.objects.filter(question_id=row.question_id, is_correct=True).values_list("pk", flat=True)
                )
                answers[row.question_id] = (
                    ids if position <= right else [o for o in row.option_order if o not in ids][:1]
                )
            attempt_submit(actor=member.user, attempt_id=attempt.pk, answers=answers)
        tally.note("training", True)


# --- Request history (F-REQ, F-SUP-3) -------------------------------------------------------------------------
# About 400 requests over the 13 months before today, so the supervision statistics, the annual assessment and the
# request pages have something to show. This is history, so rows are written directly rather than through the
# services (which stamp "now"): each request's story is planned step by step in local working time, cut off at
# the start of today (today's work is the users' to do), and written with bulk_create; the auto_now(_add) stamps
# are then backdated with one UPDATE per model. Event notes use the services' own message ids, so the timeline
# reads as if the clerks had done it. One liberty: a few requests got a second deficiency notice after a
# correction that still was not right (deficient → deficient), which the transition table does not offer today;
# the statistics count "at most one notice" separately, so the demo shows that figure below 100%.
#
# Numbers follow the service's format (XH-20250312-9001) with a sequence from 9001: a centre's own counter for a
# day never gets that high, so no number the services issue later can clash, and the range marks the history:
# when any such request exists, the whole history is skipped (the seed stays idempotent).
HISTORY_SEED = 20260315
HISTORY_SIZE = 400
HISTORY_DAYS = 396  # thirteen months
HISTORY_CONSULTATIONS = 250
HISTORY_FIRST_SEQUENCE = 9001
HISTORY_NUMBER = r"-9[0-9]{3}$"

HISTORY_CENTRES = {DISTRICT: 70, "JD": 9, "XSC": 8, "JDC": 5, "CZC": 4, "SGJ": 4}
# Towns and villages take the matters of the social-security, medical-insurance and civil-affairs windows.
LOCAL_DEPARTMENTS = ("RSJ", "YBJ", "MZJ")
DEPARTMENT_WEIGHTS = {"BDC": 3, "GJJ": 2.5, "SCJG": 2.5, "GA": 2, "RSJ": 2, "YBJ": 1.8, "SWJ": 1.2, "MZJ": 1.2}
ORGANISATION_MATTERS = {"BDC-001", "GJJ-005", "SCJG-001", "SCJG-003", "SCJG-004", "SCJG-005", "JTJ-001"}
CHANNEL_WEIGHTS = {"hall": 52, "window": 18, "online": 12, "phone": 10, "door_to_door": 8}
VILLAGE_CHANNEL_WEIGHTS = {"hall": 25, "door_to_door": 45, "phone": 20, "online": 10}
PERSON_CATEGORIES = {"other": 58, "special_care": 18, "talent_card": 7, "military": 6, "inspection": 4, "complaint": 5}
ORGANISATION_CATEGORIES = {"key_project": 35, "other": 55, "inspection": 5, "complaint": 5}
NOTICES = {0: 83, 1: 13, 2: 4}
RATINGS = {5: 70, 4: 19, 3: 5, 2: 4, 1: 2}
RATINGS_WHEN_LATE = {5: 45, 4: 25, 3: 12, 2: 12, 1: 6}
# Of the requests whose completion can slip (all but the assists settled on the spot); with the recently stalled
# ones below, about 8% of all completed requests are late.
LATE_SHARE = 0.09
EVALUATION_INDICATORS = ("efficiency", "service_level", "attitude")

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜"
    "戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)


def _words(text: str) -> list[str]:
    """A pool of names written as one space-separated line (easier to read and extend than a long list)."""
    return text.split()


GIVEN_NAMES = _words(
    "建国 秀兰 桂英 志强 丽娟 海燕 俊杰 子涵 浩然 雨萱 文静 国华 玉梅 红霞 永福 淑芬 春生 晓东 梦瑶 思远 家豪 欣怡 "
    "建军 凤英 保国 金花 明 伟 芳 娜 敏 静 磊 洋 勇 艳 杰 军 涛 超 霞 平 刚 鹏 辉 丹 玉兰 振华 书勤 宏伟 立平 "
    "素珍 翠花 新民 爱民 丽华 红梅 建华 少华 国庆 春梅 小龙 佳琪 一鸣 子轩 若曦"
)
COMPANY_WORDS = _words("鹰城 鑫源 华瑞 恒达 中原 豫鑫 宏泰 锦程 天瑞 尧山 湛河 白龟湖 新城 博远 聚丰 德润")
COMPANY_TRADES = _words("商贸 建材 物流 餐饮管理 科技 建筑工程 房地产开发 食品 运输 家政服务 农业开发 文化传媒")
STREETS = _words("建设路 中兴路 光明路 矿工路 曙光街 西市场街 和平路 体育路 开源路 湛南路 凌云路 稠桑路")
VILLAGE_ADDRESSES = {"JDC": "焦店镇焦店村", "CZC": "焦店镇陈庄村", "SGJ": "西市场街道曙光街社区"}
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
# A few applicants from Hong Kong and Macau show a residence permit (港澳台居民居住证).
PERMIT_PREFIXES = ("810000", "820000")
PERMIT_SHARE = 0.02

REASONS = {
    "other": [
        "首次办理，不熟悉流程",
        "材料较多，需预审指导",
        "外出务工，无法按时到场，委托代办",
        "不会使用网上办事系统，需帮办",
        "工作时间无法到场办理",
        "涉及多个窗口，需全程引导",
    ],
    "special_care": ["年逾七旬，行动不便，需全程帮办", "肢体残疾，行动不便，申请代办", "孕期行动不便，申请帮办"],
    "key_project": ["市重点项目配套审批，专人代办", "重点企业开办，全程代办"],
    "talent_card": ["持鹰城人才卡，享受优先帮办"],
    "military": ["退役军人，走军人绿色通道"],
    "inspection": ["上级督查交办事项，限时办理", "应急事项，加急办理"],
    "complaint": ["群众投诉后专项帮办", "一次未办好投诉转办"],
}
RESULTS = {
    "BDC": "已登簿缮证，核发不动产权证书（证明）",
    "GJJ": "审核通过，款项已转入申请人本人账户",
    "SCJG": "已核准登记，发放营业执照（许可证）",
    "GA": "已办结，户籍（证件）材料已制发",
    "RSJ": "审核通过，待遇（证卡）已核发",
    "YBJ": "已办结，结果已录入医保信息系统",
    "SWJ": "已办结，完税凭证（发票）已出具",
    "MZJ": "已办结，证件（审批结果）已出具",
    "JTJ": "已许可，核发道路运输证件",
}
REFUSALS = [
    "不属于帮办代办服务范围，已引导至{window}自行办理",
    "申请人不符合该事项的办理条件，已告知相关政策",
    "该事项须本人到场采集信息，不能代办，已告知",
]
COMMENTS = {
    5: ["服务热情，办事效率高", "全程帮办，省心省力", "一次就办好了，非常满意", "工作人员很耐心", ""],
    4: ["整体满意，等候时间稍长", "服务不错", ""],
    3: ["基本满意，材料要求可以提前说清楚", ""],
    2: ["跑了两趟才办好", "等候时间太长，进度没人告知"],
    1: ["超过承诺时间才办好，也没有及时告知进度", "工作人员态度生硬"],
}
GENERAL_QUESTIONS = [
    ("大厅几点上班？周六是否办公？", "工作日上午9:00至下午5:00办公，周六上午设延时服务窗口。"),
    ("停车场在哪里？是否收费？", "大厅东侧地面停车场，办事群众免费停放两小时。"),
    ("网上办事大厅怎么注册？", "已现场指导使用“豫事办”注册并完成实名认证。"),
    ("自助打印机能打印哪些证明？", "可打印社保缴费证明、不动产登记查询结果、个人纳税证明等。"),
    ("帮办代办收费吗？", "帮办代办服务全程免费，如遇收费可拨打投诉电话。"),
]
KEY_PROJECTS = [  # (name, agent's name, enterprise, level, description)
    (
        "新华区智能装备产业园建设项目",
        "邓卫东",
        "平顶山市鹰城智能装备有限公司",
        "市级",
        "市重点项目：入园企业开办、不动产登记及配套审批全程代办。",
    ),
    (
        "西市场片区城市更新项目",
        "曹玉芳",
        "平顶山市新城建筑工程有限公司",
        "省级",
        "省重点项目：不动产首次登记、企业变更登记等事项专人代办。",
    ),
]


class HistoricComplaint(NamedTuple):
    """One demo complaint: when, where, what, the finding and how far its handling got."""

    days_ago: int
    centre: str
    source: str
    category: str
    content: str
    substantiated: bool | None
    outcome: str  # closed, rejected, responded or investigating
    staff_kind: str | None  # the kind of staff member it names, None for none


COMPLAINTS = [
    HistoricComplaint(
        350,
        DISTRICT,
        "window",
        "attitude",
        "在二楼办理营业执照时，工作人员说话不耐烦，问了两遍就不愿意再解释。",
        True,
        "closed",
        WH,
    ),
    HistoricComplaint(
        300,
        DISTRICT,
        "hotline",
        "efficiency",
        "公积金提取说好三个工作日，一周了还没到账，也没人通知我。",
        True,
        "closed",
        FT,
    ),
    HistoricComplaint(
        270,
        "JD",
        "phone",
        "not_one_visit",
        "办理养老待遇申领，第一次没告诉我要带户口簿，白跑了一趟。",
        True,
        "closed",
        FT,
    ),
    HistoricComplaint(
        230, DISTRICT, "mailbox", "facilities", "一楼等候区座位太少，老人只能站着等。", None, "closed", None
    ),
    HistoricComplaint(
        190,
        DISTRICT,
        "online",
        "process",
        "不动产转移登记的材料清单网上和窗口说的不一样，希望统一。",
        False,
        "closed",
        WH,
    ),
    HistoricComplaint(
        150,
        DISTRICT,
        "window",
        "attitude",
        "帮办员接私人电话时间太长，让我们在窗口前等了十几分钟。",
        False,
        "closed",
        FT,
    ),
    HistoricComplaint(
        110, "XSC", "hotline", "efficiency", "医保报销材料交上去二十多天没有消息。", False, "closed", WH
    ),
    HistoricComplaint(80, DISTRICT, "online", "suggestion", "建议大厅周六全天服务。", None, "rejected", None),
    HistoricComplaint(
        40,
        DISTRICT,
        "status_page",
        "not_one_visit",
        "帮办的事项因为缺材料跑了两次，希望一次说清楚。",
        True,
        "closed",
        FT,
    ),
    HistoricComplaint(
        8, DISTRICT, "phone", "efficiency", "身份证换领快到期限了，问进度说还在审核。", None, "responded", FT
    ),
    HistoricComplaint(4, DISTRICT, "window", "attitude", "窗口人员午休前提前停止受理。", None, "investigating", WH),
]


def _minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


class _RememberingCalendar(WorkingCalendar):
    """The statutory calendar, remembering each answer: the history asks about the same days thousands of times."""

    def __init__(self) -> None:
        super().__init__()
        self._answers: dict[date, bool] = {}

    def is_working_day(self, day: date) -> bool:
        answer = self._answers.get(day)
        if answer is None:
            answer = self._answers[day] = super().is_working_day(day)
        return answer


class _Story:
    """The plan of one historical request: the row and what happened to it, each step with its backdated time."""

    def __init__(self, req: ServiceRequest, applied_at: datetime) -> None:
        self.req = req
        self.applied_at = applied_at
        self.last_at = applied_at
        self.summary_at: datetime | None = None
        self.events: list[tuple[RequestEvent, datetime]] = []
        self.children: list[tuple[models.Model, dict]] = []

    def event(self, at: datetime, verb: str, actor, *, note: str = "", public: bool = True, to: str = "") -> None:
        """Log a step; with ``to`` the status changes too (from the one the request had)."""
        event = RequestEvent(
            request=self.req,
            actor=actor,
            verb=verb,
            note=note,
            public=public,
            from_status=self.req.status if to else "",  # empty for the registration, as the service writes it
            to_status=to,
        )
        self.events.append((event, at))
        if to:
            self.req.status = to
        self.last_at = max(self.last_at, at)

    def child(self, obj: models.Model, **stamps) -> models.Model:
        """A related row; ``stamps`` are its auto_now_add times, put back after bulk_create."""
        self.children.append((obj, stamps))
        return obj


class _History:
    """Plans the demo hall's request history, consultations and complaints, then writes them in bulk."""

    def __init__(self, centres: dict[str, ServiceCentre], staff: dict[str, StaffMember]) -> None:
        self.rng = random.Random(HISTORY_SEED)
        self.calendar = _RememberingCalendar()
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate()
        self.cut_off = datetime.combine(self.today, time.min, tzinfo=self.tz)
        self.centres = centres
        self.supervisor = staff["supervisor"].user
        self.matters = list(
            Matter.objects.filter(is_active=True).select_related("department").prefetch_related("materials")
        )
        # Helpers: active staff of the centre who carry requests (specialists take part only for their department).
        self.helpers: dict[str, list[StaffMember]] = {}
        for member in staff.values():
            if member.is_active and member.kind != SP:
                self.helpers.setdefault(member.centre.code, []).append(member)
        by_name = {member.name: member for member in staff.values()}
        self.projects = [
            KeyProject(
                name=name,
                centre=centres[DISTRICT],
                agent=by_name[agent],
                enterprise=enterprise,
                level=level,
                description=description,
            )
            for name, agent, enterprise, level, description in KEY_PROJECTS
        ]
        first = self.today - timedelta(days=HISTORY_DAYS)
        candidates = (first + timedelta(days=n) for n in range(HISTORY_DAYS))
        self.days = [day for day in candidates if self.calendar.is_working_day(day)]
        self.stories: list[_Story] = []
        self.phone_serial = 0

    # --- Small pieces -----------------------------------------------------------------------------------------
    def pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def at(self, day: date, minutes: int) -> datetime:
        """A moment on ``day``, ``minutes`` after 9:00 local time (negative: before)."""
        return datetime.combine(day, time(9), tzinfo=self.tz) + _minutes(minutes)

    def workday(self, day: date, n: int) -> date:
        return self.calendar.add_working_days(day, n)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def person_name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def phone(self) -> str:
        # Plainly fake mobiles (138 0000 xxxx), one per applicant or complainant.
        self.phone_serial += 1
        return f"1380000{self.phone_serial:04d}"

    def id_number(self, age: int) -> tuple[str, str]:
        """A person's document type and number: a region code as issued, the birth date, the check digit."""
        rng = self.rng
        permit = rng.random() < PERMIT_SHARE
        region = rng.choice(PERMIT_PREFIXES) if permit else rng.choice(COUNTY_CODES)
        born = date(self.today.year - age, 1, 1) + timedelta(days=rng.randint(0, 364))
        body = f"{region}{born:%Y%m%d}{rng.randint(10, 999):03d}"
        return (IdType.HKMT_PERMIT if permit else IdType.RESIDENT_ID), body + check_digit(body)

    def credit_code(self) -> str:
        body = "91410402" + "".join(self.rng.choices("0123456789", k=8)) + self.rng.choice("0123456789ABCDEFGH")
        return uscc.validate(body + uscc.calc_check_digit(body))

    def address(self, centre_code: str) -> str:
        rng = self.rng
        if centre_code in VILLAGE_ADDRESSES:
            return f"{VILLAGE_ADDRESSES[centre_code]}{rng.randint(1, 9)}组{rng.randint(1, 80)}号"
        return (
            f"平顶山市新华区{rng.choice(STREETS)}{rng.randint(1, 300)}号"
            f"{rng.randint(1, 20)}号楼{rng.randint(1, 4)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
        )

    def lookup_code(self) -> str:
        return "".join(self.rng.choices(LOOKUP_ALPHABET, k=8))

    def result(self, matter: Matter) -> str:
        return f"{matter.sub_item or matter.main_item}：{RESULTS[matter.department.code]}"

    # --- Requests ---------------------------------------------------------------------------------------------
    def plan(self) -> None:
        # Somewhat more requests in recent months: the desk has become better known.
        weights = [1 + i / len(self.days) for i in range(len(self.days))]
        for day in sorted(self.rng.choices(self.days, weights=weights, k=HISTORY_SIZE)):
            self.stories.append(self.plan_one(day, self.pick(HISTORY_CENTRES)))
        sequences: dict[tuple[str, date], int] = {}
        for story in sorted(self.stories, key=lambda s: s.applied_at):
            code, day = story.req.origin_centre.code, self.local_day(story.applied_at)
            sequences[code, day] = sequences.get((code, day), HISTORY_FIRST_SEQUENCE - 1) + 1
            story.req.number = f"{code}-{day:%Y%m%d}-{sequences[code, day]:04d}"

    def choose_matter(self, centre_code: str) -> Matter:
        local = centre_code != DISTRICT
        candidates = [m for m in self.matters if not local or m.department.code in LOCAL_DEPARTMENTS]
        # Pending matters are the harder ones, which is what people come to the help desk for.
        weights = [DEPARTMENT_WEIGHTS.get(m.department.code, 0.6) * (1 if m.is_immediate else 1.6) for m in candidates]
        return self.rng.choices(candidates, weights=weights)[0]

    def choose_helper(self, centre_code: str, matter: Matter) -> StaffMember:
        members = self.helpers[centre_code]
        window = [m for m in members if m.kind == WH and m.department_id == matter.department_id]
        if window and self.rng.random() < 0.4:
            return self.rng.choice(window)
        desk = [m for m in members if m.kind == FT] or members
        # The `frontdesk` login carries a bigger share, so its queue shows a good mix.
        return self.rng.choices(desk, weights=[3 if m.user.username == "frontdesk" else 1 for m in desk])[0]

    def plan_one(self, day: date, origin_code: str) -> _Story:
        rng = self.rng
        origin = self.centres[origin_code]
        village = origin.level == CentreLevel.VILLAGE
        matter = self.choose_matter(origin_code)
        organisation = matter.code in ORGANISATION_MATTERS and rng.random() < 0.85
        category = self.pick(ORGANISATION_CATEGORIES if organisation else PERSON_CATEGORIES)
        agency_share = 0.7 if village else 0.55 if category in (Category.SPECIAL_CARE, Category.KEY_PROJECT) else 0.26
        kind = Kind.AGENCY if rng.random() < agency_share else Kind.ASSIST
        channel = self.pick(VILLAGE_CHANNEL_WEIGHTS if village else CHANNEL_WEIGHTS)
        key_project = None
        if category == Category.KEY_PROJECT and origin_code == DISTRICT:
            # A key project's requests are carried by its dedicated agent, a duty leader.
            key_project = rng.choice(self.projects)
            helper = key_project.agent
        else:
            helper = self.choose_helper(origin_code, matter)
        if organisation:
            name = f"平顶山市{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_TRADES)}有限公司"
            id_type, id_number, contact = "", self.credit_code(), self.person_name()
        else:
            # The elderly are who the desk is for: special care goes up to 96 (born from 1930 on).
            age = rng.randint(66, 96) if category == Category.SPECIAL_CARE else rng.randint(20, 64)
            name, contact = self.person_name(), ""
            id_type, id_number = self.id_number(age)
        phone = self.phone()
        post = not matter.is_immediate and rng.random() < (0.35 if village else 0.18)
        address = self.address(origin_code)
        req = ServiceRequest(
            kind=kind,
            channel=channel,
            category=category,
            status="",  # none before the registration event, which sets "applied"
            applicant_type=ApplicantType.ORGANISATION if organisation else ApplicantType.PERSON,
            applicant_name=name,
            contact_person=contact,
            applicant_id_type=id_type,
            applicant_id_number=id_number,
            applicant_id_hash=blind_index(id_number, purpose="id"),
            applicant_id_masked=mask_document_number(id_type, id_number),
            applicant_phone=phone,
            applicant_phone_hash=blind_index(phone, purpose="phone"),
            applicant_phone_masked=mask_phone(phone),
            applicant_phone_tail=phone[-4:],
            applicant_address=address,
            matter=matter,
            centre=origin,
            origin_centre=origin,
            helper=helper,
            lead_department=matter.department,
            key_project=key_project,
            reason=rng.choice(REASONS[category]),
            commission_signed=kind == Kind.AGENCY,
            pickup_method=PickupMethod.POST if post else PickupMethod.HALL,
            pickup_recipient=(contact or name) if post else "",
            pickup_address=address if post else "",
            pickup_phone=phone if post else "",
            lookup_code=self.lookup_code(),
            created_by=helper.user,
        )
        story = _Story(req, self.at(day, rng.randint(0, 330)))
        self.play(story)
        return story

    def play(self, story: _Story) -> None:
        """Walk the request through its life from registration; every step stops at the cut-off."""
        rng = self.rng
        req, matter, helper = story.req, story.req.matter, story.req.helper
        actor = accepting = helper.user
        t = story.applied_at
        checks = [
            story.child(
                MaterialCheck(
                    request=req,
                    material=m,
                    position=m.position,
                    name=m.name,
                    how_to_obtain=m.how_to_obtain,
                    tolerant_waivable=m.tolerant_waivable,
                )
            )
            for m in matter.materials.all()
        ]
        story.event(
            t,
            "registered",
            actor,
            to=Status.APPLIED,
            note=_t("%(kind)s request for “%(matter)s” registered; dedicated helper %(helper)s.")
            % {"kind": Kind(req.kind).label, "matter": matter.name, "helper": helper.name},
        )
        if req.origin_centre.level == CentreLevel.VILLAGE:
            # The village agent collects the materials and forwards the request to the town centre.
            parent = req.origin_centre.parent
            t += _minutes(rng.randint(10, 40))
            req.centre = parent
            story.event(t, "forwarded", actor, note=_t("Forwarded to %(centre)s.") % {"centre": parent.name})
            accepting = next(m for m in self.helpers[parent.code] if m.kind == FT).user
        if req.kind == Kind.AGENCY:
            t += _minutes(rng.randint(5, 15))
            items = "、".join(c.name for c in checks[:3])
            story.child(Handover(request=req, received_by=helper, items=items), at=t)
            story.event(t, "handover_recorded", actor, note=items)

        if rng.random() < 0.04:
            t += _minutes(rng.randint(10, 40))
            if t < self.cut_off:
                req.closed_at = t
                reason = rng.choice(REFUSALS).format(window=matter.accepting_window or "相关窗口")
                story.event(t, "refused", actor, to=Status.REFUSED, note=reason)
            return

        notices = self.pick(NOTICES)
        abandons = notices and rng.random() < 0.22
        for n in range(notices):
            t += _minutes(rng.randint(10, 30))
            missing = rng.sample(checks, k=min(len(checks), rng.randint(1, 2)))
            for check in checks:
                check.status = MaterialStatus.MISSING if check in missing else MaterialStatus.PROVIDED
                check.checked_at = t
            req.deficiency_notices += 1
            listing = "；".join(f"{c.name}（{c.how_to_obtain or MaterialStatus(c.status).label}）" for c in missing)
            # A second notice follows a correction that still was not right: the request stays deficient.
            story.event(
                t,
                "deficiency_notice",
                actor,
                to=Status.DEFICIENT,
                note=_t("Please supply: %(list)s.") % {"list": listing},
            )
            if abandons and n == notices - 1:
                ends = self.at(self.workday(self.local_day(t), 20), 30)
                if ends < self.cut_off:
                    self.terminate(story, ends, actor, "materials_not_supplied", "告知后二十个工作日内未补齐材料。")
                return
            t = self.at(self.workday(self.local_day(t), rng.randint(1, 5)), rng.randint(0, 420))
            if t >= self.cut_off:
                return
            for check in missing:
                check.status, check.checked_at = MaterialStatus.PROVIDED, t
            names = "、".join(c.name for c in missing)
            story.event(t, "materials_supplied", actor, note=_t("Materials received: %(names)s.") % {"names": names})

        # Accepted at once; on the next working day at the town for a forwarded request, and now and then for a
        # pending matter whose materials the department pre-reviews first.
        if req.centre.pk != req.origin_centre.pk or (not matter.is_immediate and rng.random() < 0.12):
            t = max(self.at(self.workday(self.local_day(t), 1), rng.randint(0, 120)), t + _minutes(10))
        else:
            t += _minutes(rng.randint(10, 30))
        if t >= self.cut_off:
            return
        for check in checks:
            if check.status != MaterialStatus.PROVIDED:
                check.status, check.checked_at = MaterialStatus.PROVIDED, t
        accepted_day = self.local_day(t)
        req.accepted_at, req.accepted_by = t, accepting
        req.deadline = self.workday(accepted_day, matter.time_limit_days)
        story.event(
            t,
            "accepted",
            accepting,
            to=Status.ACCEPTED,
            note=_t("Accepted; promised by %(deadline)s.") % {"deadline": f"{req.deadline:%Y-%m-%d}"},
        )

        if req.kind == Kind.ASSIST and matter.is_immediate:
            # Settled on the spot: the result is handed over straight after acceptance.
            t += _minutes(rng.randint(10, 40))
            if t < self.cut_off:
                req.result, req.completed_at = self.result(matter), t
                self.deliver(story, t, DeliveryMethod.ON_THE_SPOT, late=False)
            return

        # Handling starts on the acceptance day (always for an immediate matter) or within two working days.
        limit = matter.time_limit_days
        lag = 0 if limit == 0 else self.pick({0: 60, 1: 28, 2: 12})
        if lag == 0:
            t += _minutes(rng.randint(5, 60))
        else:
            t = self.at(self.workday(accepted_day, lag), rng.randint(0, 90))
        if t >= self.cut_off:
            return
        story.event(t, "started", actor, to=Status.IN_PROGRESS)
        started_day = self.local_day(t)

        late = rng.random() < LATE_SHARE
        if limit and (self.today - accepted_day).days <= 40 and rng.random() < 0.35:
            # Stalled recently (a department still checking, an applicant hard to reach): the open and overdue
            # requests the duty leader and the supervisor are chasing today.
            late, done_day = True, self.workday(req.deadline, rng.randint(3, 12))
        elif late:
            done_day = self.workday(req.deadline, rng.randint(1, 4))
        else:
            done_day = max(self.workday(accepted_day, rng.randint(limit // 3, limit)), started_day)
        if limit >= 10 and rng.random() < 0.5:
            midway = self.at(self.workday(accepted_day, limit // 2), rng.randint(0, 420))
            if midway < self.cut_off and self.local_day(midway) < done_day:
                text = f"{matter.department.short_name or matter.department.name}已完成初审，正在办理中。"
                story.child(ProgressReport(request=req, author=actor, text=text), at=midway)
                story.event(midway, "progress_reported", actor, note=text)

        # A few are paused; more among the recent ones, so that some are still suspended today.
        suspended = 150 if (self.today - accepted_day).days <= 25 else 35
        fate = self.pick({"normal": 950, "withdrawn": 15, "suspended": suspended}) if limit >= 3 else "normal"
        if fate == "withdrawn":
            ends = self.at(self.workday(started_day, rng.randint(1, 3)), rng.randint(0, 420))
            if ends < self.cut_off:
                self.terminate(story, ends, actor, "withdrawn", "申请人书面撤回委托。")
            return
        if fate == "suspended":
            done_day = self.suspend(story, started_day, done_day)
            if done_day is None:
                return

        if req.deadline < done_day:
            # The daily timer flagged it in the night after the promised date.
            flagged = req.deadline + timedelta(days=1)
            flagged_at = self.at(flagged, -510)
            if flagged_at < self.cut_off:
                req.overdue_flagged_on = flagged
                note = _t("Past the promised date %(deadline)s.") % {"deadline": f"{req.deadline:%Y-%m-%d}"}
                story.event(flagged_at, "overdue", None, public=False, note=note)

        t = max(story.last_at + _minutes(10), self.at(done_day, rng.randint(0, 450)))
        if t >= self.cut_off:
            return
        req.result, req.completed_at = self.result(matter), t
        story.event(t, "completed", actor, to=Status.COMPLETED, note=req.result)
        self.write_summary(story, t, late)
        if req.pickup_method == PickupMethod.POST:
            sent = self.at(self.workday(done_day, rng.randint(0, 1)), rng.randint(300, 450))
            self.deliver(story, max(sent, t + _minutes(30)), DeliveryMethod.POST, late=late)
        else:
            handed = self.at(self.workday(done_day, rng.choice((0, 0, 1, 2))), rng.randint(0, 450))
            self.deliver(story, max(handed, t + _minutes(20)), DeliveryMethod.IN_PERSON, late=late)

    def terminate(self, story: _Story, at: datetime, actor, reason: str, note: str) -> None:
        story.req.termination_reason, story.req.closed_at = reason, at
        story.event(at, "terminated", actor, to=Status.TERMINATED, note=f"{TERMINATION_REASONS[reason]}. {note}")

    def suspend(self, story: _Story, started_day: date, done_day: date) -> date | None:
        """Pause the request. Returns the (later) completion day, or None when the story ends suspended, or
        terminated because it was not resumed in time."""
        rng = self.rng
        req, actor = story.req, story.req.helper.user
        day = self.workday(started_day, rng.randint(1, 2))
        start = self.at(day, rng.randint(0, 420))
        if start >= self.cut_off or day >= done_day:
            return done_day
        reason = rng.choice([SuspensionReason.APPLICANT_ASKED, SuspensionReason.FEES_UNPAID])
        resume_by = self.workday(day, 10)
        note = "申请人外出，待返回后补签材料" if reason == SuspensionReason.APPLICANT_ASKED else "待申请人缴纳相关费用"
        suspension = story.child(
            Suspension(request=req, reason=reason, note=note, started_on=day, resume_by=resume_by, by=actor)
        )
        story.event(
            start,
            "suspended",
            actor,
            to=Status.SUSPENDED,
            note=_t("%(reason)s. Resume by %(date)s. %(note)s")
            % {"reason": SuspensionReason(reason).label, "date": f"{resume_by:%Y-%m-%d}", "note": note},
        )
        if rng.random() < 0.3:
            # Never resumed: the timer ends the service in the night after the resumption deadline.
            ends_on = resume_by + timedelta(days=1)
            ends = self.at(ends_on, -510)
            if ends < self.cut_off:
                suspension.ended_on = ends_on
                note = _t("Not resumed by %(date)s.") % {"date": f"{resume_by:%Y-%m-%d}"}
                self.terminate(story, ends, None, "suspension_expired", note)
            return None
        resumed_on = self.workday(day, rng.randint(2, 6))
        resumed = self.at(resumed_on, rng.randint(0, 420))
        if resumed >= self.cut_off:
            return None
        paused = self.calendar.working_days_between(day, resumed_on)
        suspension.ended_on, suspension.paused_working_days = resumed_on, paused
        req.deadline = self.workday(req.deadline, paused)
        req.paused_working_days += paused
        story.event(
            resumed,
            "resumed",
            actor,
            to=Status.IN_PROGRESS,
            note=_t("Resumed; paused %(days)d working days, promised date moved to %(deadline)s.")
            % {"days": paused, "deadline": f"{req.deadline:%Y-%m-%d}"},
        )
        return max(self.workday(done_day, paused), resumed_on)

    def deliver(self, story: _Story, at: datetime, method: str, *, late: bool) -> None:
        """Hand over (or post) the result; a posted one counts as delivered once the applicant confirms receipt."""
        if at >= self.cut_off:
            return
        rng, req = self.rng, story.req
        actor = req.helper.user
        signer = req.contact_person or req.applicant_name
        delivered = at
        if method == DeliveryMethod.POST:
            tracking = f"1{rng.randint(10**11, 10**12 - 1)}"
            delivery = Delivery(
                request=req,
                method=method,
                recipient=req.pickup_recipient,
                address=req.pickup_address,
                carrier="中国邮政EMS",
                tracking_number=tracking,
                by=actor,
            )
            story.child(delivery, sent_at=at)
            note = _t("Sent by %(carrier)s, tracking number %(number)s.") % {
                "carrier": "中国邮政EMS",
                "number": tracking,
            }
            story.event(at, "posted", actor, note=note)
            delivered = self.at(self.workday(self.local_day(at), rng.randint(1, 3)), rng.randint(0, 450))
            if delivered >= self.cut_off:
                return
            delivery.receipt_confirmed_at = delivered
            story.event(delivered, "receipt_confirmed", actor, to=Status.DELIVERED, note="申请人电话确认已收到。")
        else:
            story.child(
                Delivery(request=req, method=method, signer=signer, receipt_confirmed_at=at, by=actor), sent_at=at
            )
            note = _t("Handed to %(signer)s, who signed the completion form.") % {"signer": signer}
            story.event(at, "delivered", actor, to=Status.DELIVERED, note=note)
        req.delivered_at = req.closed_at = delivered
        self.after_delivery(story, delivered, late=late, at_hall=method != DeliveryMethod.POST)

    def write_summary(self, story: _Story, completed_at: datetime, late: bool) -> None:
        """The helper's summary, due within 2 working days of completion."""
        req = story.req
        day = self.workday(self.local_day(completed_at), self.rng.choice((0, 1, 1, 2)))
        written = max(self.at(day, 420), completed_at + _minutes(30))
        if written >= self.cut_off:
            return
        text = (
            f"{req.applicant_name}办理{req.matter.name}（{Kind(req.kind).label}）。"
            + (f"补正材料{req.deficiency_notices}次后受理。" if req.deficiency_notices else "材料齐全，一次受理。")
            + ("因部门审核时间较长超出承诺时限，已向申请人说明并致歉。" if late else "在承诺时限内办结。")
        )
        story.child(Summary(request=req, text=text, author=req.helper.user), written_at=written)
        story.event(written, "summary_written", req.helper.user, public=False, note=excerpt(text, 200))
        story.summary_at = written

    def after_delivery(self, story: _Story, delivered_at: datetime, *, late: bool, at_hall: bool) -> None:
        """Most applicants rate the service; the request is archived once the summary is written and a poor
        rating has been dealt with."""
        rng, req = self.rng, story.req
        actor = req.helper.user
        if story.summary_at is None:
            self.write_summary(story, delivered_at, late)
        settled = story.summary_at
        if rng.random() < 0.86:
            # At the counter's rating pad right after the hand-over, or online (the SMS link) within two days.
            at_counter = at_hall and rng.random() < 0.65
            if at_counter:
                rated = delivered_at + _minutes(rng.randint(1, 5))
            else:
                online = self.at(self.local_day(delivered_at) + timedelta(days=rng.randint(0, 2)), rng.randint(0, 720))
                rated = max(online, delivered_at + _minutes(60))
            if rated >= self.cut_off:
                return
            rating = self.pick(RATINGS_WHEN_LATE if late else RATINGS)
            comment = rng.choice(COMMENTS[rating])
            indicators = {}
            if at_counter:  # the counter's rating pad asks for the three indicators too
                indicators = {f: max(1, min(5, rating + rng.choice((0, 0, 0, 1, -1)))) for f in EVALUATION_INDICATORS}
            evaluation = Evaluation(
                request=req, rating=rating, comment=comment, recorded_by=actor if at_counter else None, **indicators
            )
            story.child(evaluation, at=rated)
            by = actor if at_counter else None
            story.event(rated, "evaluated", by, note=f"{Rating(rating).label} {comment}".strip())
            if evaluation.is_poor:  # any indicator counts (好差评), as in request_evaluate
                rated = self.follow_up(story, evaluation, rated)
            settled = None if settled is None or rated is None else max(settled, rated)
        if settled is None:
            return
        archived = max(
            self.at(self.workday(self.local_day(settled), rng.randint(3, 15)), rng.randint(360, 470)), settled
        )
        if archived < self.cut_off:
            req.archived_at = archived
            story.event(archived, "archived", actor, to=Status.ARCHIVED)

    def follow_up(self, story: _Story, evaluation: Evaluation, rated: datetime) -> datetime | None:
        """The case of a poor rating: return visit, rectification, sometimes a new rating. Returns when the case
        allows archiving, or None while the return visit or the rectification is still due."""
        rng, supervisor = self.rng, self.supervisor
        day = self.local_day(rated)
        evaluation.needs_follow_up = True
        evaluation.return_visit_due = self.workday(day, settings.EVALUATION_RETURN_VISIT_WORKING_DAYS)
        evaluation.rectify_due = self.workday(day, settings.EVALUATION_RECTIFY_WORKING_DAYS)
        story.event(
            rated + _minutes(1),
            "follow_up_opened",
            None,
            public=False,
            note=_t("Poor rating: return visit by %(visit)s, rectification by %(rectify)s.")
            % {"visit": f"{evaluation.return_visit_due:%Y-%m-%d}", "rectify": f"{evaluation.rectify_due:%Y-%m-%d}"},
        )
        visited = max(self.at(evaluation.return_visit_due, rng.randint(0, 200)), rated + _minutes(30))
        if visited >= self.cut_off:
            return None
        evaluation.followed_up_at, evaluation.followed_up_by = visited, supervisor
        evaluation.follow_up_note = "已电话回访申请人，致歉并说明原因，申请人表示理解。"
        story.event(visited, "followed_up", supervisor, public=False, note=evaluation.follow_up_note)
        rectified = self.at(self.workday(evaluation.return_visit_due, rng.randint(1, 3)), rng.randint(200, 420))
        if rectified >= self.cut_off:
            return None
        evaluation.rectified_at, evaluation.rectified_by = rectified, supervisor
        evaluation.rectification_note = "已对帮办人员进行提醒谈话，办理进度改为每两个工作日主动告知一次。"
        story.event(rectified, "rectified", supervisor, note=evaluation.rectification_note)
        again = rectified + _minutes(rng.randint(120, 4000))
        if rng.random() < 0.6 and again < self.cut_off:
            rating = rng.choice((3, 4, 4, 5))
            evaluation.follow_up_rating, evaluation.follow_up_rated_at = rating, again
            evaluation.follow_up_comment = "整改后满意"
            story.event(again, "re_evaluated", None, note=f"{Rating(rating).label} 整改后满意")
            return again
        return rectified

    # --- Consultations and complaints -------------------------------------------------------------------------
    def consultations(self) -> list[tuple[Consultation, dict]]:
        rng = self.rng
        rows = []
        # About 40% became a request: the question was asked just before registering.
        for story in rng.sample(self.stories, k=round(HISTORY_CONSULTATIONS * 0.4)):
            req = story.req
            channel = ConsultationChannel.PHONE if req.channel == Channel.PHONE else ConsultationChannel.DESK
            consultation = Consultation(
                centre=req.origin_centre,
                channel=channel,
                name=req.contact_person or req.applicant_name,
                contact=req.applicant_phone,
                contact_masked=req.applicant_phone_masked,
                question=f"咨询{req.matter.name}怎么办理、需要哪些材料",
                answer=self.answer(req.matter),
                matter=req.matter,
                owner=req.helper,
                outcome=ConsultationOutcome.CONVERTED,
                request=req,
                created_by=req.helper.user,
            )
            rows.append((consultation, {"created_at": story.applied_at - _minutes(rng.randint(5, 30))}))
        channels = {"desk": 55, "phone": 25, "online": 12, "appointment": 8}
        while len(rows) < HISTORY_CONSULTATIONS:
            day = rng.choice(self.days)
            centre_code = self.pick(HISTORY_CENTRES)
            owner = rng.choice([m for m in self.helpers[centre_code] if m.kind == FT])
            phone = self.phone()
            matter = self.choose_matter(centre_code) if rng.random() < 0.8 else None
            if matter is not None:
                question, answer = f"咨询{matter.name}需要哪些材料、多久能办好", self.answer(matter)
            else:
                question, answer = rng.choice(GENERAL_QUESTIONS)
            outcome = self.pick({ConsultationOutcome.ANSWERED: 86, ConsultationOutcome.REFERRED: 14})
            if (self.today - day).days <= 3 and rng.random() < 0.5:
                outcome, answer = ConsultationOutcome.OPEN, ""
            consultation = Consultation(
                centre=self.centres[centre_code],
                channel=self.pick(channels),
                name=self.person_name(),
                contact=phone,
                contact_masked=mask_phone(phone),
                question=question,
                answer=answer,
                matter=matter,
                owner=owner,
                outcome=outcome,
                created_by=owner.user,
            )
            rows.append((consultation, {"created_at": self.at(day, rng.randint(0, 460))}))
        return rows

    def answer(self, matter: Matter) -> str:
        """The one-time answer: legal basis, time limit and materials (一次性告知)."""
        names = "、".join(m.name for m in matter.materials.all())
        limit = "即办件，材料齐全当场办结" if matter.is_immediate else f"承诺时限{matter.time_limit_days}个工作日"
        return f"依据{matter.legal_basis.split('；')[0]}，{limit}。需提交：{names}。"

    def complaints(self) -> list[tuple[Complaint, dict, list[tuple[ComplaintEvent, datetime]]]]:
        rng = self.rng
        rows = []
        sequences: dict[tuple[str, date], int] = {}
        for item in COMPLAINTS:
            day = self.today - timedelta(days=item.days_ago)
            while not self.calendar.is_working_day(day):
                day -= timedelta(days=1)
            registered = self.at(day, rng.randint(0, 420))
            member = story = None
            if item.staff_kind is not None:
                # It names a helper of that kind who carried a request at that centre about then.
                nearby = [
                    s
                    for s in self.stories
                    if s.req.centre.code == item.centre
                    and s.req.helper.kind == item.staff_kind
                    and s.applied_at < registered
                    and (registered - s.applied_at).days < 30
                ]
                if nearby:
                    story = rng.choice(nearby)
                    member = story.req.helper
                else:
                    member = rng.choice([m for m in self.helpers[item.centre] if m.kind == item.staff_kind])
            request = story.req if story is not None and item.source in ("status_page", "hotline", "phone") else None
            anonymous = item.source == ComplaintSource.MAILBOX
            phone = "" if anonymous else self.phone()
            sequences[item.centre, day] = sequences.get((item.centre, day), HISTORY_FIRST_SEQUENCE - 1) + 1
            handler = self.supervisor
            complaint = Complaint(
                number=f"TS-{item.centre}-{day:%Y%m%d}-{sequences[item.centre, day]:04d}",
                lookup_code=self.lookup_code(),
                centre=self.centres[item.centre],
                source=item.source,
                category=item.category,
                content=item.content,
                anonymous=anonymous,
                name="" if anonymous else self.person_name(),
                contact=phone,
                contact_masked=mask_phone(phone) if phone else "",
                request_number_given=request.number if request else "",
                request=request,
                staff=member,
                department=request.lead_department if request else (member.department if member else None),
                registered_by=None if item.source in PUBLIC_SOURCES else handler,
                accept_due=self.workday(day, settings.COMPLAINT_ACCEPT_WORKING_DAYS),
            )
            rows.append(self.complaint_story(complaint, item, registered, handler))
        return rows

    def complaint_story(self, complaint: Complaint, item: HistoricComplaint, registered: datetime, handler):
        """Registered → accepted → investigating → responded → closed, as far as ``item.outcome`` says."""
        rng = self.rng
        events: list[tuple[ComplaintEvent, datetime]] = []

        def log(at, verb, actor, to="", note="", public=True):
            event = ComplaintEvent(
                complaint=complaint,
                actor=actor,
                verb=verb,
                from_status=complaint.status if to else "",
                to_status=to,
                note=note,
                public=public,
            )
            events.append((event, at))
            if to:
                complaint.status = to

        complaint.status = ""
        note = _t("Registered; it will be accepted or answered by %(date)s.") % {
            "date": f"{complaint.accept_due:%Y-%m-%d}"
        }
        log(registered, "registered", complaint.registered_by, ComplaintStatus.REGISTERED, note)
        last = registered
        if item.outcome == "rejected":
            complaint.response = "感谢建议。大厅周六上午已设延时服务窗口，暂不具备全天开放条件，已转大厅管理办研究。"
            complaint.responded_at = complaint.closed_at = last = registered + timedelta(hours=3)
            log(last, "rejected", handler, ComplaintStatus.REJECTED, complaint.response)
            return complaint, {"registered_at": registered, "updated_at": last}, events
        accepted = max(self.at(rng.choice((self.local_day(registered), complaint.accept_due)), 420), registered)
        complaint.accepted_at = accepted + _minutes(30)
        complaint.respond_due = self.workday(self.local_day(accepted), settings.COMPLAINT_RESPOND_WORKING_DAYS)
        note = _t("Accepted; you will have an answer by %(date)s.") % {"date": f"{complaint.respond_due:%Y-%m-%d}"}
        log(complaint.accepted_at, "accepted", handler, ComplaintStatus.ACCEPTED, note)
        last = complaint.accepted_at + timedelta(hours=rng.randint(16, 22))
        log(last, "investigation_started", handler, ComplaintStatus.INVESTIGATING)
        if item.outcome in ("responded", "closed"):
            last = self.at(self.workday(self.local_day(last), rng.randint(1, 3)), 360)
            complaint.responded_at, complaint.substantiated = last, item.substantiated
            if item.substantiated:
                complaint.response = "经调查情况属实，已对相关工作人员批评教育并责令整改，感谢您的监督。"
                complaint.findings = "调取窗口监控并约谈当事人，情况属实，纳入月度考核。"
            elif item.substantiated is False:
                complaint.response = "经调查，工作人员按规定办理，已向您说明原因，并改进告知方式。"
                complaint.findings = "核查办件记录和监控，未发现违规，沟通方式有待改进。"
            else:
                complaint.response = "感谢您的意见，已增设等候座椅，并安排导办人员优先照顾老人。"
            log(last, "responded", handler, ComplaintStatus.RESPONDED, complaint.response)
            if complaint.findings:
                log(last, "noted", handler, note=complaint.findings, public=False)
        if item.outcome == "closed":
            last += timedelta(days=rng.randint(1, 3))
            complaint.closed_at = last
            if complaint.anonymous:
                log(last, "closed", handler, ComplaintStatus.CLOSED)
                log(last, "noted", handler, note="匿名意见，无法回访，按规定结案。", public=False)
            else:
                complaint.feedback_satisfied, complaint.feedback_comment, complaint.feedback_at = True, "满意", last
                log(last, "feedback_satisfied", None, ComplaintStatus.CLOSED, "满意")
        return complaint, {"registered_at": registered, "updated_at": last}, events

    # --- Writing ----------------------------------------------------------------------------------------------
    def write(self, tally: _Tally) -> None:
        for project in self.projects:
            project.save()
            linked = [s.applied_at for s in self.stories if s.req.key_project is project]
            created = min(linked, default=self.cut_off) - timedelta(days=14)
            KeyProject.objects.filter(pk=project.pk).update(created_at=created)
        tally.created["key projects"] = len(self.projects)

        requests = [(s.req, {"applied_at": s.applied_at, "updated_at": s.last_at}) for s in self.stories]
        _bulk_create_backdated(ServiceRequest, requests)
        tally.created["requests"] = len(requests)
        children: dict[type[models.Model], list[tuple[models.Model, dict]]] = {}
        for story in self.stories:
            for obj, stamps in story.children:
                children.setdefault(type(obj), []).append((obj, stamps))
            children.setdefault(RequestEvent, []).extend((event, {"at": at}) for event, at in story.events)
        for model, rows in children.items():
            _bulk_create_backdated(model, rows)
        tally.created["request events"] = len(children[RequestEvent])

        consultations = self.consultations()
        _bulk_create_backdated(Consultation, consultations)
        tally.created["consultations"] = len(consultations)
        complaints = self.complaints()
        _bulk_create_backdated(Complaint, [(complaint, stamps) for complaint, stamps, _events in complaints])
        _bulk_create_backdated(ComplaintEvent, [(e, {"at": at}) for _c, _s, events in complaints for e, at in events])
        tally.created["complaints"] = len(complaints)


def _t(message: str) -> str:
    """A service's message, translated as the service would, so the history reads like the clerks' own events."""
    return gettext(message)


def _bulk_create_backdated(model: type[models.Model], rows: list[tuple[models.Model, dict]]) -> None:
    """bulk_create, then put back the times (``stamps``) that auto_now(_add) overwrote.

    The update is one parametrised UPDATE run for all rows (executemany): bulk_update's CASE WHEN per row would
    cost seconds for the few thousand events of the history.
    """
    objs = [obj for obj, _stamps in rows]
    model.objects.bulk_create(objs, batch_size=500)
    names = sorted({name for _obj, stamps in rows for name in stamps})
    if not objs or not names:
        return
    meta, quote = model._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    params = [
        [field.get_db_prep_save(stamps[field.name], connection) for field in fields] + [obj.pk] for obj, stamps in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def seed_requests(tally: _Tally, centres: dict[str, ServiceCentre], staff: dict[str, StaffMember]) -> None:
    """About 400 requests of the last 13 months with their events, material checks, hand-overs, deliveries,
    evaluations and summaries; 250 consultations, two key projects and a few complaints. Skipped as a whole when
    the history is already there (its numbers are in the 9001+ range)."""
    if ServiceRequest.objects.filter(number__regex=HISTORY_NUMBER).exists():
        for label in ("key projects", "requests", "request events", "consultations", "complaints"):
            tally.note(label, False)
        return
    history = _History(centres, staff)
    history.plan()
    history.write(tally)
