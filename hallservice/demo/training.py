"""Demo trainings, attendance, question bank and monthly tests, through the training services."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.utils import timezone

from hallservice.core.actors import SYSTEM
from hallservice.core.months import add_months, month_end, month_start
from hallservice.demo.staff import DISTRICT
from hallservice.demo.writing import Tally
from staff.models import ServiceCentre, StaffMember
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


def seed_training(tally: Tally, centres: dict[str, ServiceCentre], staff: dict[str, StaffMember]) -> None:
    """Trainings, attendance, the bank and monthly tests for the district hall, through the training services."""
    district = centres[DISTRICT]
    supervisor = staff["supervisor"].user
    department_user = staff["department"].user
    topics = {name: topic_create(actor=supervisor, name=name) for name in TRAINING_TOPICS}
    tz = timezone.get_current_timezone()
    now = timezone.now()
    today = timezone.localdate()
    this_month = month_start(today)
    helpers = list(required_attendees(district.pk))

    def at(day, hour: int) -> datetime:
        return datetime.combine(day, datetime.min.time().replace(hour=hour), tzinfo=tz)

    create_test = partial(
        monthly_test_create,
        actor=supervisor,
        centre_id=district.pk,
        question_count=TRAINING_PAPER,
        time_limit_minutes=30,
    )

    # Every Tuesday 16:00 from three months back to the end of next month; the topics take turns.
    first = add_months(this_month, -3)
    day = first + timedelta(days=(1 - first.weekday()) % 7)
    while day <= month_end(add_months(this_month, 1)):
        n = day.toordinal() // 7  # the week: the same topic and marks whatever day the seed runs
        topic = TRAINING_TOPICS[n % len(TRAINING_TOPICS)]
        starts = at(day, 16)
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
                starts_at=at(day, hour),
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
        closes = at(month_end(month) - timedelta(days=2), 18)
        test = create_test(month=month, opens_at=closes - timedelta(days=3, hours=9), closes_at=closes)
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
        monthly_test_close(actor=SYSTEM, test_id=test.pk, now=closes)
        monthly_test_apply_consequences(actor=SYSTEM, test_id=test.pk, now=closes + timedelta(minutes=5))
        TrainingNotice.objects.filter(key=f"test:{test.pk}").update(read_at=now)
        tally.note("training", True)

    # This month's test: open since two days ago for five days; two helpers have handed in already.
    if not MonthlyTest.objects.filter(centre=district, month=this_month).exists():
        opens = at(today - timedelta(days=2), 9)
        test = create_test(
            month=this_month,
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
