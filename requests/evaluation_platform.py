"""The data items of the national 政务服务"好差评" platform and how an evaluation fills them (国办发〔2019〕51号).

Every message (``EvaluationPush``) is a snapshot of these items at one event of one evaluation: the first rating,
the rectification after a poor rating, the rating after rectification, an appeal that makes the rating invalid.
The snapshot is stored keyed by the items' Chinese names (``DataItem.name``), so the supervision page reads like
the platform's own table; on the wire each item goes under its key (``DataItem.key``).

A province whose platform names an item differently, or does not take it, sets ``EVALUATION_PLATFORM_FIELDS``
(JSON): ``{"办件编号": "bjbh", "服务人员姓名": null}`` renames 办件编号 and leaves 服务人员姓名 out. Code values
(the evaluation channel, yes/no) are ``CODES`` below, overridden item by item with ``EVALUATION_PLATFORM_CODES``
(``{"评价渠道": {"online": "2", "counter": "1"}}``).

What is sent, and what is not (personal data, PIPL): the matter, the request number, the centre, department and
helper (staff number and name, as on the public helper board), the channel, times, the four indicators (整体满意度
and the offline 服务效率, 服务水平, 服务态度), the applicant's comment and the staff's return-visit and
rectification notes — every free text scrubbed of ID numbers, phones, e-mail addresses, the applicant's names and
address first (``requests.services.public.scrub``) — the rating after rectification and whether the rating stands.
The applicant's name, document type, ID number and phone (``PERSONAL_ITEMS``) are NOT sent: they have no key by
default. A province whose data items require them gives them one in ``EVALUATION_PLATFORM_FIELDS``; they are then
read from the encrypted request at sending time (``personal_items``), never stored in the outbox and never logged.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .models import Evaluation, PushEvent, ServiceRequest
from .services.public import scrub


@dataclass(frozen=True)
class DataItem:
    """One data item of the platform: its Chinese name and its default key on the wire (None: not sent)."""

    name: str
    key: str | None


ITEMS = (
    DataItem("消息编号", "messageId"),
    DataItem("消息类型", "messageType"),
    DataItem("评价事件", "evalEvent"),
    DataItem("评价编号", "evalNo"),
    DataItem("事项编码", "taskCode"),
    DataItem("事项名称", "taskName"),
    DataItem("办件编号", "projectNo"),
    DataItem("实施部门编码", "deptCode"),
    DataItem("实施部门名称", "deptName"),
    DataItem("服务机构编码", "orgCode"),
    DataItem("服务机构名称", "orgName"),
    DataItem("服务人员工号", "staffNo"),
    DataItem("服务人员姓名", "staffName"),
    DataItem("服务方式", "serviceType"),
    DataItem("申办渠道", "applyChannel"),
    DataItem("受理时间", "acceptTime"),
    DataItem("办结时间", "finishTime"),
    DataItem("评价渠道", "pf"),
    DataItem("评价时间", "evalTime"),
    DataItem("整体满意度", "satisfaction"),
    DataItem("服务效率", "efficiency"),
    DataItem("服务水平", "serviceLevel"),
    DataItem("服务态度", "attitude"),
    DataItem("评价内容", "evalContent"),
    DataItem("是否差评", "isBad"),
    DataItem("回访时间", "visitTime"),
    DataItem("回访情况", "visitResult"),
    DataItem("整改时间", "rectifyTime"),
    DataItem("整改情况", "rectifyResult"),
    DataItem("整改后满意度", "rectifySatisfaction"),
    DataItem("整改后评价内容", "rectifyContent"),
    DataItem("整改后评价时间", "rectifyEvalTime"),
    DataItem("评价是否有效", "valid"),
    DataItem("评价人类型", "userType"),
)
# The applicant's own data: not sent unless a province's data items require it (a key in EVALUATION_PLATFORM_FIELDS).
PERSONAL_ITEMS = (
    DataItem("评价人姓名", None),
    DataItem("证件类型", None),
    DataItem("证件号码", None),
    DataItem("联系电话", None),
)
ALL_ITEMS = {item.name: item for item in (*ITEMS, *PERSONAL_ITEMS)}

# Our values → the platform's codes, per item.
CODES = {
    "消息类型": {"new": "1", "update": "2"},
    # Online on the citizens' pages, or taken at the counter by the clerk (the hall's evaluation desk).
    "评价渠道": {"online": "1", "counter": "2"},
    "服务方式": {"assist": "1", "agency": "2"},
    "申办渠道": {"hall": "1", "window": "2", "online": "3", "phone": "4", "door_to_door": "5"},
    "是否差评": {True: "1", False: "0"},
    "评价是否有效": {True: "1", False: "0"},
    "评价人类型": {"person": "1", "organisation": "2"},
}

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _time(moment) -> str:
    return timezone.localtime(moment).strftime(TIME_FORMAT) if moment else ""


def _code(item: str, value) -> str:
    try:
        overrides = _setting_json("EVALUATION_PLATFORM_CODES").get(item, {})
    except ImproperlyConfigured as exc:
        # Called inside the rating's transaction: a province's bad setting (system check requests.E030) must not
        # roll back the citizen's rating. The platform's own codes go out, and the error is logged.
        logging.getLogger(__name__).error("EVALUATION_PLATFORM_CODES ignored: %s", exc)
        overrides = {}
    table = {str(k): v for k, v in CODES.get(item, {}).items()} | {str(k): v for k, v in overrides.items()}
    return table.get(str(value), "" if value is None else str(value))


def _setting_json(name: str) -> dict:
    value = getattr(settings, name, None) or {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name} is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object")
    return value


def wire_keys() -> dict[str, str]:
    """Item name → key on the wire, after the province's overrides; items without a key are not sent."""
    overrides = _setting_json("EVALUATION_PLATFORM_FIELDS")
    unknown = sorted(set(overrides) - set(ALL_ITEMS))
    if unknown:
        raise ImproperlyConfigured(f"EVALUATION_PLATFORM_FIELDS names unknown data items: {', '.join(unknown)}")
    keys = {name: overrides.get(name, item.key) for name, item in ALL_ITEMS.items()}
    return {name: key for name, key in keys.items() if key}


def _scrubbed(text: str, req: ServiceRequest) -> str:
    return scrub(
        text,
        names=(req.applicant_name, req.contact_person),
        addresses=(req.applicant_address, req.pickup_address),
    )


def snapshot(evaluation: Evaluation, *, event: str, message_id: str) -> dict[str, str]:
    """The data items of one event of ``evaluation``, by Chinese name: what the outbox keeps (no personal items)."""
    req = evaluation.request
    helper = req.helper
    rating = evaluation.follow_up_rating
    items = {
        "消息编号": message_id,
        "消息类型": _code("消息类型", "new" if event == PushEvent.RATED else "update"),
        "评价事件": event,
        # Stable across the updates of one evaluation: the platform files them under the first message.
        "评价编号": f"{req.centre.code}-E{evaluation.pk}",
        "事项编码": req.matter.code,
        "事项名称": req.matter.name,
        "办件编号": req.number,
        "实施部门编码": req.lead_department.code,
        "实施部门名称": req.lead_department.name,
        "服务机构编码": req.centre.code,
        "服务机构名称": req.centre.name,
        "服务人员工号": helper.staff_number,
        "服务人员姓名": helper.name,
        "服务方式": _code("服务方式", req.kind),
        "申办渠道": _code("申办渠道", req.channel),
        "受理时间": _time(req.accepted_at),
        "办结时间": _time(req.completed_at),
        "评价渠道": _code("评价渠道", "online" if evaluation.recorded_by_id is None else "counter"),
        "评价时间": _time(evaluation.at),
        "整体满意度": str(evaluation.rating),
        "服务效率": str(evaluation.efficiency or ""),
        "服务水平": str(evaluation.service_level or ""),
        "服务态度": str(evaluation.attitude or ""),
        "评价内容": _scrubbed(evaluation.comment, req),
        "是否差评": _code("是否差评", evaluation.is_poor),
        "回访时间": _time(evaluation.followed_up_at),
        "回访情况": _scrubbed(evaluation.follow_up_note, req),
        "整改时间": _time(evaluation.rectified_at),
        "整改情况": _scrubbed(evaluation.rectification_note, req),
        "整改后满意度": str(rating or ""),
        "整改后评价内容": _scrubbed(evaluation.follow_up_comment, req),
        "整改后评价时间": _time(evaluation.follow_up_rated_at),
        "评价是否有效": _code("评价是否有效", not evaluation.is_invalid),
        "评价人类型": _code("评价人类型", req.applicant_type),
    }
    return items


def personal_items(req: ServiceRequest) -> dict[str, str]:
    """The applicant's own data items, read from the (encrypted) request when a province needs them."""
    return {
        "评价人姓名": req.applicant_name,
        "证件类型": req.applicant_id_type,
        "证件号码": req.applicant_id_number,
        "联系电话": req.applicant_phone,
    }


def wire_body(payload: dict[str, str], req: ServiceRequest) -> dict[str, str]:
    """The message as sent: the stored items under their wire keys, plus the personal items a province requires."""
    keys = wire_keys()
    body = {keys[name]: value for name, value in payload.items() if name in keys}
    wanted = [item.name for item in PERSONAL_ITEMS if item.name in keys]
    if wanted:
        personal = personal_items(req)
        body |= {keys[name]: personal[name] for name in wanted}
    return body


@checks.register(checks.Tags.compatibility)
def check_evaluation_platform(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """requests.E030/E031: the province's item names and codes are valid JSON naming known items; a platform
    address comes with a signing key."""
    errors = []
    try:
        wire_keys()
        _setting_json("EVALUATION_PLATFORM_CODES")
    except ImproperlyConfigured as exc:
        errors.append(checks.Error(str(exc), id="requests.E030"))
    if settings.EVALUATION_PLATFORM_URL and not settings.EVALUATION_PLATFORM_KEY:
        errors.append(
            checks.Error(
                "EVALUATION_PLATFORM_URL is set without EVALUATION_PLATFORM_KEY: the messages could not be signed.",
                id="requests.E031",
            )
        )
    return errors
