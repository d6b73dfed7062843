"""The demo request history: about 400 backdated requests, their events and rows, and 250 consultations."""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _t  # a service's message as the service translates it
from stdnum.cn import uscc

from complaints.models import Complaint, ComplaintEvent
from hallservice.core.actors import CITIZEN, SYSTEM, kind_of, user_of
from hallservice.core.crypto import mask_phone
from hallservice.core.identity import IdType, check_digit
from hallservice.core.text_limits import excerpt
from hallservice.core.workdays import WorkingCalendar
from hallservice.demo.complaints import ComplaintHistory
from hallservice.demo.staff import COUNTY_CODES, DISTRICT, FT, SP, WH
from hallservice.demo.writing import HISTORY_FIRST_SEQUENCE, Tally, bulk_create_backdated, in_minutes
from requests.models import (
    SIGNED_HANDOVERS,
    ApplicantIdentity,
    ApplicantType,
    Category,
    Channel,
    Consultation,
    ConsultationChannel,
    ConsultationOutcome,
    Delivery,
    DeliveryMethod,
    Evaluation,
    Handover,
    KeptSignature,
    KeyProject,
    KeyProjectEvent,
    KeyProjectVerb,
    Kind,
    MaterialCheck,
    MaterialStatus,
    Matter,
    PickupMethod,
    ProgressReport,
    Rating,
    RequestEvent,
    ServiceRequest,
    SignatureSource,
    SignedFormKind,
    Status,
    Summary,
    Suspension,
    SuspensionReason,
)
from requests.services.closing import TERMINATION_REASONS
from requests.services.consultations import consultation_answer_due
from requests.services.intake import LOOKUP_ALPHABET
from requests.services.priority import elderly_of
from staff.models import CentreLevel, ServiceCentre, StaffMember

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


class Story:
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
            actor=user_of(actor),
            actor_kind=kind_of(actor),
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


def _demo_scan_pdf() -> bytes:
    """A one-page A4 PDF saying it stands for the scan of a signed paper form (a demo has no paper to scan); built
    by hand so that seeding needs no PDF renderer, with a real cross-reference table so every viewer opens it."""
    text = b"BT /F1 16 Tf 72 760 Td (Hall Service demo data: scan of a signed paper form) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


# What a demo request's kept scan of a signed paper form holds: the same one-page sample for every one.
DEMO_SCAN = _demo_scan_pdf()


def _demo_scan_file(signature: KeptSignature) -> str:
    name = f"signatures/{signature.request.number}/{signature.kind}-v{signature.version}.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(DEMO_SCAN))
    return name


class _History(ComplaintHistory):
    """Plans the demo hall's request history, consultations and complaints, then writes them in bulk."""

    def __init__(self, centres: dict[str, ServiceCentre], staff: dict[str, StaffMember]) -> None:
        self.rng = random.Random(HISTORY_SEED)
        self.calendar = _RememberingCalendar()
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate()
        self.cut_off = datetime.combine(self.today, time.min, tzinfo=self.tz)
        self.centres = centres
        self.supervisor = staff["supervisor"].user
        # Key projects are recorded by the duty leader and their agents designated by the bureau leader (seed 000 三.4).
        self.project_recorder = staff["dutyleader"].user
        self.bureau_leader = staff["bureauleader"].user
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
        self.stories: list[Story] = []
        self.phone_serial = 0

    # --- Small pieces -----------------------------------------------------------------------------------------
    def pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def at(self, day: date, minutes: int) -> datetime:
        """A moment on ``day``, ``minutes`` after 9:00 local time (negative: before)."""
        return datetime.combine(day, time(9), tzinfo=self.tz) + in_minutes(minutes)

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

    def plan_one(self, day: date, origin_code: str) -> Story:
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
            **ApplicantIdentity(id_type=id_type, id_number=id_number, phone=phone).fields(),
            applicant_address=address,
            # Priority groups as the desk records them (issue 18): elderly from the ID number, military from the
            # green-channel category (no random draw, so the rest of the demo stays as it was).
            applicant_elderly=elderly_of(id_type, id_number, on=day),
            applicant_military=category == Category.MILITARY,
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
        story = Story(req, self.at(day, rng.randint(0, 330)))
        self.play(story)
        return story

    def play(self, story: Story) -> None:
        """Walk the request through its life from registration; every step stops at the cut-off."""
        rng = self.rng
        req, matter, helper = story.req, story.req.matter, story.req.helper
        actor = accepting = helper.user
        t = story.applied_at
        checks = [story.child(MaterialCheck.for_material(req, m)) for m in matter.materials.all()]
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
            t += in_minutes(rng.randint(10, 40))
            req.centre = parent
            story.event(t, "forwarded", actor, note=_t("Forwarded to %(centre)s.") % {"centre": parent.name})
            accepting = next(m for m in self.helpers[parent.code] if m.kind == FT).user
        if req.kind == Kind.AGENCY:
            t += in_minutes(rng.randint(5, 15))
            items = "、".join(c.name for c in checks[:3])
            story.child(Handover(request=req, received_by=helper, items=items), at=t)
            story.event(t, "handover_recorded", actor, note=items)
            self.keep_signed(story, t, SignedFormKind.COMMISSION_LETTER)

        if rng.random() < 0.04:
            t += in_minutes(rng.randint(10, 40))
            if t < self.cut_off:
                req.closed_at = t
                reason = rng.choice(REFUSALS).format(window=matter.accepting_window or "相关窗口")
                story.event(t, "refused", actor, to=Status.REFUSED, note=reason)
            return

        notices = self.pick(NOTICES)
        abandons = notices and rng.random() < 0.22
        for n in range(notices):
            t += in_minutes(rng.randint(10, 30))
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
            t = max(self.at(self.workday(self.local_day(t), 1), rng.randint(0, 120)), t + in_minutes(10))
        else:
            t += in_minutes(rng.randint(10, 30))
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
            t += in_minutes(rng.randint(10, 40))
            if t < self.cut_off:
                req.result, req.completed_at = self.result(matter), t
                self.deliver(story, t, DeliveryMethod.ON_THE_SPOT, late=False)
            return

        # Handling starts on the acceptance day (always for an immediate matter) or within two working days.
        limit = matter.time_limit_days
        lag = 0 if limit == 0 else self.pick({0: 60, 1: 28, 2: 12})
        if lag == 0:
            t += in_minutes(rng.randint(5, 60))
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
                story.event(flagged_at, "overdue", SYSTEM, public=False, note=note)

        t = max(story.last_at + in_minutes(10), self.at(done_day, rng.randint(0, 450)))
        if t >= self.cut_off:
            return
        req.result, req.completed_at = self.result(matter), t
        story.event(t, "completed", actor, to=Status.COMPLETED, note=req.result)
        self.write_summary(story, t, late)
        if req.pickup_method == PickupMethod.POST:
            sent = self.at(self.workday(done_day, rng.randint(0, 1)), rng.randint(300, 450))
            self.deliver(story, max(sent, t + in_minutes(30)), DeliveryMethod.POST, late=late)
        else:
            handed = self.at(self.workday(done_day, rng.choice((0, 0, 1, 2))), rng.randint(0, 450))
            self.deliver(story, max(handed, t + in_minutes(20)), DeliveryMethod.IN_PERSON, late=late)

    def terminate(self, story: Story, at: datetime, actor, reason: str, note: str) -> None:
        story.req.termination_reason, story.req.closed_at = reason, at
        story.event(at, "terminated", actor, to=Status.TERMINATED, note=f"{TERMINATION_REASONS[reason]}. {note}")

    def suspend(self, story: Story, started_day: date, done_day: date) -> date | None:
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
                self.terminate(story, ends, SYSTEM, "suspension_expired", note)
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

    def deliver(self, story: Story, at: datetime, method: str, *, late: bool) -> None:
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
            self.keep_signed(story, delivered, SignedFormKind.POST_RECEIPT)
            delivery.receipt_confirmed_at = delivered
            story.event(delivered, "receipt_confirmed", actor, to=Status.DELIVERED, note="申请人电话确认已收到。")
        else:
            if method in SIGNED_HANDOVERS:
                self.keep_signed(story, at, SignedFormKind.COMPLETION_FORM)
            story.child(
                Delivery(request=req, method=method, signer=signer, receipt_confirmed_at=at, by=actor), sent_at=at
            )
            note = _t("Handed to %(signer)s, who signed the completion form.") % {"signer": signer}
            story.event(at, "delivered", actor, to=Status.DELIVERED, note=note)
        req.delivered_at = req.closed_at = delivered
        self.after_delivery(story, delivered, late=late, at_hall=method != DeliveryMethod.POST)

    def keep_signed(self, story: Story, at: datetime, kind: SignedFormKind) -> None:
        """The scan of a signed paper form, kept by the helper (issue 18); its file is written with the rows."""
        req = story.req
        signature = KeptSignature(
            request=req,
            kind=kind,
            version=1,
            source=SignatureSource.SCAN,
            sha256=hashlib.sha256(DEMO_SCAN).hexdigest(),
            size=len(DEMO_SCAN),
            kept_by=req.helper.user,
        )
        story.child(signature, kept_at=at)
        story.event(at, "signature_kept", req.helper.user, public=False, note=str(kind.label))

    def write_summary(self, story: Story, completed_at: datetime, late: bool) -> None:
        """The helper's summary, due within 2 working days of completion."""
        req = story.req
        day = self.workday(self.local_day(completed_at), self.rng.choice((0, 1, 1, 2)))
        written = max(self.at(day, 420), completed_at + in_minutes(30))
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

    def after_delivery(self, story: Story, delivered_at: datetime, *, late: bool, at_hall: bool) -> None:
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
                rated = delivered_at + in_minutes(rng.randint(1, 5))
            else:
                online = self.at(self.local_day(delivered_at) + timedelta(days=rng.randint(0, 2)), rng.randint(0, 720))
                rated = max(online, delivered_at + in_minutes(60))
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
            by = actor if at_counter else CITIZEN
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
            rows.append((consultation, {"created_at": story.applied_at - in_minutes(rng.randint(5, 30))}))
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
                # 首问负责: a question still waiting has its answer deadline, as one recorded at the desk.
                answer_due=consultation_answer_due(day) if outcome == ConsultationOutcome.OPEN else None,
                created_by=owner.user,
            )
            rows.append((consultation, {"created_at": self.at(day, rng.randint(0, 460))}))
        return rows

    def answer(self, matter: Matter) -> str:
        """The one-time answer: legal basis, time limit and materials (一次性告知)."""
        names = "、".join(m.name for m in matter.materials.all())
        limit = "即办件，材料齐全当场办结" if matter.is_immediate else f"承诺时限{matter.time_limit_days}个工作日"
        return f"依据{matter.legal_basis.split('；')[0]}，{limit}。需提交：{names}。"

    # --- Writing ----------------------------------------------------------------------------------------------
    def write(self, tally: Tally) -> None:
        for project in self.projects:
            project.save()
            linked = [s.applied_at for s in self.stories if s.req.key_project is project]
            created = min(linked, default=self.cut_off) - timedelta(days=14)
            KeyProject.objects.filter(pk=project.pk).update(created_at=created)
            recorded = KeyProjectEvent.record(
                project=project, verb=KeyProjectVerb.CREATED, actor=self.project_recorder, note=project.name
            )
            designated = KeyProjectEvent.record(
                project=project,
                verb=KeyProjectVerb.AGENT_DESIGNATED,
                actor=self.bureau_leader,
                agent=project.agent,
            )
            KeyProjectEvent.objects.filter(pk=recorded.pk).update(at=created)
            KeyProjectEvent.objects.filter(pk=designated.pk).update(at=created + timedelta(days=1))
        tally.created["key projects"] = len(self.projects)

        requests = [(s.req, {"applied_at": s.applied_at, "updated_at": s.last_at}) for s in self.stories]
        bulk_create_backdated(ServiceRequest, requests)
        tally.created["requests"] = len(requests)
        children: dict[type[models.Model], list[tuple[models.Model, dict]]] = {}
        for story in self.stories:
            for obj, stamps in story.children:
                children.setdefault(type(obj), []).append((obj, stamps))
            children.setdefault(RequestEvent, []).extend((event, {"at": at}) for event, at in story.events)
        for signature, _stamps in children.get(KeptSignature, []):
            signature.file.name = _demo_scan_file(signature)
        for model, rows in children.items():
            bulk_create_backdated(model, rows)
        tally.created["request events"] = len(children[RequestEvent])

        consultations = self.consultations()
        bulk_create_backdated(Consultation, consultations)
        tally.created["consultations"] = len(consultations)
        complaints = self.complaints()
        bulk_create_backdated(Complaint, [(complaint, stamps) for complaint, stamps, _events in complaints])
        bulk_create_backdated(ComplaintEvent, [(e, {"at": at}) for _c, _s, events in complaints for e, at in events])
        tally.created["complaints"] = len(complaints)


def seed_requests(tally: Tally, centres: dict[str, ServiceCentre], staff: dict[str, StaffMember]) -> None:
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
