"""factory_boy factories that always satisfy the models' constraints."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from complaints.services import complaint_register
from hallservice.core.actors import CITIZEN
from hallservice.core.identity import IdType
from requests.models import ApplicantIdentity, HandlingType, Matter, RequiredMaterial, SubmissionForm
from requests.services import RegistrationInput, matter_save
from rosters.models import PlanStatus, RotationAssignment, RotationPlan
from staff.models import CentreLevel, Department, ServiceCentre, StaffKind, StaffMember, Window


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCentre
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:02d}")
    name = factory.Sequence(lambda n: f"第{n}区政务服务大厅")
    level = CentreLevel.DISTRICT
    parent = None


class TownFactory(DistrictFactory):
    code = factory.Sequence(lambda n: f"T{n:02d}")
    name = factory.Sequence(lambda n: f"第{n}镇便民服务中心")
    level = CentreLevel.TOWN
    parent = factory.SubFactory(DistrictFactory)


class VillageFactory(DistrictFactory):
    code = factory.Sequence(lambda n: f"V{n:02d}")
    name = factory.Sequence(lambda n: f"第{n}村便民服务站")
    level = CentreLevel.VILLAGE
    parent = factory.SubFactory(TownFactory)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"DEP{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}部门")


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    centre = factory.SubFactory(DistrictFactory)
    number = factory.Sequence(lambda n: f"{n:02d}")
    name = factory.Sequence(lambda n: f"综合窗口{n}")
    floor = 1
    department = factory.SubFactory(DepartmentFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set([Group.objects.get(name=str(role)) for role in extracted])
        if create:
            self.save()


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"员工{n}")
    kind = StaffKind.FULL_TIME_HELPER
    centre = factory.SubFactory(DistrictFactory)


class MatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Matter

    code = factory.Sequence(lambda n: f"M{n:05d}")
    main_item = factory.Sequence(lambda n: f"事项{n}")
    department = factory.SubFactory(DepartmentFactory)
    handling_type = HandlingType.PENDING
    time_limit_days = 5


class RequiredMaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredMaterial

    matter = factory.SubFactory(MatterFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"材料{n}")


VALID_ID_NUMBERS = ["410402199003150023", "110105198001011238", "11010519491231002X"]


# The village applicant of the forwarding tests.
OLD_LI = {"applicant_name": "老李", "applicant_id_number": VALID_ID_NUMBERS[1], "applicant_phone": "13912345678"}


def registration_input(matter, **fields) -> RegistrationInput:
    """The front desk's registration of 张三 (a person with a resident ID) for ``matter``; ``fields`` change any part."""
    applicant = {
        "applicant_name": "张三",
        "applicant_id_number": VALID_ID_NUMBERS[0],
        "applicant_phone": "13812345678",
    }
    return RegistrationInput(**{"kind": "assist", "matter_id": matter.pk, **applicant, **fields})


def posted_by_ems(**fields) -> dict:
    """``request_deliver``'s arguments for a result sent by EMS to 张三 at home; ``fields`` change any part."""
    return {
        "method": "post",
        "recipient": "张三",
        "address": "新华区建设路 1 号",
        "carrier": "EMS",
        "tracking_number": "EA123456789CN",
        **fields,
    }


def _identity(o) -> dict[str, str]:
    return ApplicantIdentity(o.applicant_id_type, o.applicant_id_number, o.applicant_phone).fields()


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    """A request in any status (set ``status``); open statuses get a deadline, agency a signed commission."""

    class Meta:
        model = "requests.ServiceRequest"

    number = factory.Sequence(lambda n: f"XH-20261123-{n:04d}")
    kind = "assist"
    applicant_name = factory.Sequence(lambda n: f"申请人{n}")
    applicant_id_type = IdType.RESIDENT_ID
    applicant_id_number = VALID_ID_NUMBERS[0]
    applicant_phone = "13812345678"
    # Derived as the service derives them; a test may still override one (a blank mask, say).
    applicant_id_hash = factory.LazyAttribute(lambda o: _identity(o)["applicant_id_hash"])
    applicant_id_masked = factory.LazyAttribute(lambda o: _identity(o)["applicant_id_masked"])
    applicant_phone_hash = factory.LazyAttribute(lambda o: _identity(o)["applicant_phone_hash"])
    applicant_phone_masked = factory.LazyAttribute(lambda o: _identity(o)["applicant_phone_masked"])
    applicant_phone_tail = factory.LazyAttribute(lambda o: _identity(o)["applicant_phone_tail"])
    matter = factory.SubFactory(MatterFactory)
    centre = factory.SubFactory(DistrictFactory)
    origin_centre = factory.SelfAttribute("centre")
    helper = factory.SubFactory(StaffMemberFactory, centre=factory.SelfAttribute("..centre"))
    lead_department = factory.SelfAttribute("matter.department")
    lookup_code = "ABCD2345"
    created_by = factory.SelfAttribute("helper.user")
    deadline = factory.LazyFunction(lambda: __import__("datetime").date(2026, 12, 4))
    commission_signed = True


def land_registration_matter(department, *, tax_receipt_waivable=False) -> Matter:
    """不动产登记（首次登记）, BDC-001: five days, three materials (the tax receipt waivable if told so)."""
    matter = matter_save(
        matter=MatterFactory.build(
            code="BDC-001", main_item="不动产登记", sub_item="首次登记", department=department, time_limit_days=5
        )
    )
    RequiredMaterialFactory(matter=matter, position=1, name="不动产登记申请书", how_to_obtain="窗口领取")
    RequiredMaterialFactory(matter=matter, position=2, name="身份证明", how_to_obtain="申请人自备")
    RequiredMaterialFactory(
        matter=matter,
        position=3,
        name="完税证明",
        how_to_obtain="税务窗口开具",
        tolerant_waivable=tax_receipt_waivable,
    )
    return matter


def records_query_matter(department) -> Matter:
    """不动产登记资料查询, BDC-010: handled on the spot, one material."""
    matter = matter_save(
        matter=MatterFactory.build(
            code="BDC-010",
            main_item="不动产登记资料查询",
            department=department,
            time_limit_days=0,
            handling_type=HandlingType.IMMEDIATE,
        )
    )
    RequiredMaterialFactory(matter=matter, position=1, name="身份证明")
    return matter


def business_registration_matter(window, **fields) -> Matter:
    """个体工商户登记（设立登记）, SCJG-004, handled at ``window`` by its department: one working day, free, with its
    legal basis and process; two materials, the application form (original) and two copies of the proof of premises,
    which may follow later. ``fields`` change any part of the matter."""
    matter = matter_save(
        matter=MatterFactory.build(
            **{
                "code": "SCJG-004",
                "main_item": "个体工商户登记",
                "sub_item": "设立登记",
                "department": window.department,
                "window": window,
                "legal_basis": "《促进个体工商户发展条例》第八条；《中华人民共和国市场主体登记管理条例》第三条，"
                "《中华人民共和国市场主体登记管理条例实施细则》第二十六条",
                "process": "1. 网上或窗口提交申请\n2. 窗口审核\n3. 当场发放营业执照",
                "time_limit_days": 1,
                "fees": "不收费",
                **fields,
            }
        )
    )
    RequiredMaterialFactory(
        matter=matter,
        position=1,
        name="个体工商户登记（备案）申请书",
        how_to_obtain="窗口领取或登录河南政务服务网（https://www.hnzwfw.gov.cn/）下载打印",
        submission_form=SubmissionForm.ORIGINAL,
    )
    RequiredMaterialFactory(
        matter=matter,
        position=2,
        name="经营场所使用证明",
        how_to_obtain="房屋租赁合同或产权证明",
        submission_form=SubmissionForm.COPY,
        copies=2,
        tolerant_waivable=True,
    )
    return matter


def online_complaint(centre, **fields):
    """A citizen's complaint about the windows' attitude filed on the public site with ``centre``; ``fields`` change
    any part."""
    return complaint_register(
        **{
            "actor": CITIZEN,
            "source": "online",
            "category": "attitude",
            "content": "窗口态度不好",
            "centre_id": centre.pk,
            **fields,
        }
    )


def december_rotation(centre, helper, window) -> RotationPlan:
    """December 2026's rotation of ``centre``, published on 25 November, putting ``helper`` at ``window``."""
    plan = RotationPlan.objects.create(
        centre=centre,
        month=date(2026, 12, 1),
        status=PlanStatus.PUBLISHED,
        published_at=datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    RotationAssignment.objects.create(plan=plan, helper=helper, window=window)
    return plan
