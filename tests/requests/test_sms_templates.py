"""Every kind of SMS the code sends has a text template (rendered in Chinese), a provider template id in settings
and an essential / non-essential decision (requests/sms_kinds.py). A new kind added without them fails here."""

import re
from pathlib import Path

from django.conf import settings

from requests.notifications import REQUEST_EVENT_TEMPLATES, render_message
from requests.sms_kinds import SMS_KINDS

ROOT = Path(settings.BASE_DIR)
APPS = ("requests", "complaints", "rosters", "training", "supervision", "staff", "guide", "hallservice")
TEMPLATES = ROOT / "templates" / "requests" / "notifications"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.read_text(encoding="utf-8")


def sms_kinds_in_code() -> set[str]:
    """The kinds the code queues as SMS: the request events', the complainant's, and any queue(channel=SMS,
    template="…") written with a literal template name."""
    kinds = set(REQUEST_EVENT_TEMPLATES.values())
    for source in _sources():
        kinds |= set(re.findall(r'_tell_complainant\(\s*\w+,\s*"(\w+)"', source))
        for match in re.finditer(r"channel=NotificationChannel\.SMS", source):
            window = source[max(0, match.start() - 400) : match.end() + 400]
            kinds |= set(re.findall(r'template="(\w+)"', window))
    return kinds


def all_templates_in_code() -> set[str]:
    """Every message template the code names with a literal (SMS and e-mail)."""
    names = set(REQUEST_EVENT_TEMPLATES.values()) | sms_kinds_in_code()
    for source in _sources():
        names |= set(re.findall(r'template="(\w+)"', source))
        names |= set(re.findall(r'_tell_complainant\(\s*\w+,\s*"(\w+)"', source))
    return names


def test_every_sms_the_code_sends_is_a_known_kind():
    found = sms_kinds_in_code()
    assert {"request_accepted", "complaint_responded"} <= found  # the scan finds both ways of sending
    assert found - set(SMS_KINDS) == set(), "add the kind to requests/sms_kinds.py (essential or not)"


def test_every_sms_kind_has_a_template_id_and_a_chinese_text():
    for kind in SMS_KINDS:
        assert settings.SMS_TEMPLATE_IDS.get(kind), f"{kind} has no SMS_TEMPLATE_IDS entry"
        assert (TEMPLATES / f"{kind}.txt").is_file(), f"{kind} has no text template"
        _subject, body = render_message(kind, {})
        assert CJK.search(body), f"{kind} does not render in Chinese"


def test_the_default_template_ids_name_exactly_the_kinds():
    from hallservice import settings as project_settings

    assert set(project_settings.SMS_TEMPLATE_IDS) == set(SMS_KINDS)


def test_every_message_template_named_in_the_code_exists():
    missing = sorted(name for name in all_templates_in_code() if not (TEMPLATES / f"{name}.txt").is_file())
    assert missing == []
