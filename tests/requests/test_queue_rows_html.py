"""The queue's rows are written in Python (issue 17): the same markup, byte for byte, as the template wrote them.

The reference is the row loop of requests/partials/queue_results.html before the change, rendered by Django's
template engine beside ``queue_rows_html`` over rows covering every branch (urgent, priority badges, each kind of
deadline cell, progress silences, text to escape, a moment just after midnight in Shanghai), in both languages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import engines
from django.utils import translation

from requests.ledger import DeadlineInfo, QueueRow
from requests.models import Matter, ServiceRequest
from requests.views import queue_rows_html
from staff.models import StaffMember

TEMPLATE_ROWS = (
    "{% load i18n %}"
    "{% for row in rows %}{% with req=row.req %}\n"
    '    <tr class="{{ row.deadline.level }}{% if req.urgent %} urgent{% endif %}">\n'
    '      <td class="nowrap"><a href="{{ req.get_absolute_url }}">{{ req.number }}</a>{% if req.urgent %}<br>'
    '<span class="tag urgent" title="{% translate "Internal target" %} {{ req.urgent_target|date:"Y-m-d" }}">'
    '{% translate "Urgent" %} · {{ req.urgent_target|date:"m-d" }}</span>{% endif %}</td>\n'
    '      <td>{{ req.applicant_name }}<br><small class="muted nowrap">{{ req.applicant_phone_masked }}</small>'
    '{% for group, label in row.priority_badges %} <span class="tag priority priority-{{ group }}">{{ label }}'
    "</span>{% endfor %}</td>\n"
    '      <td class="matter">{{ req.matter.name }}</td>\n'
    '      <td class="nowrap">{{ row.kind_label }}</td>\n'
    '      <td><span class="status status-{{ req.status }}">{{ row.status_label }}</span></td>\n'
    '      <td class="nowrap">{{ req.helper.name }}</td>\n'
    '      <td class="nowrap">{{ req.applied_at|date:"Y-m-d" }}</td>\n'
    '      <td class="nowrap">{% with info=row.deadline %}{% if info.deadline %}<span class="deadline '
    '{{ info.level }}">{{ info.deadline|date:"Y-m-d" }}</span>\n'
    '{% if info.paused %}<small class="days paused">{% translate "paused" %}</small>\n'
    '{% elif info.overdue %}<small class="days overdue">{% blocktranslate count days=info.days_overdue %}'
    "{{ days }} working day overdue{% plural %}{{ days }} working days overdue{% endblocktranslate %}</small>\n"
    '{% elif info.days_left is not None %}<small class="days {{ info.level }}">{% blocktranslate count '
    "days=info.days_left %}{{ days }} working day left{% plural %}{{ days }} working days left"
    "{% endblocktranslate %}</small>\n"
    '{% endif %}{% else %}<span class="muted">—</span>{% endif %}{% endwith %}{% if row.silent_days %}<br>'
    '<small class="days soon progress-silence">{% blocktranslate count days=row.silent_days %}No progress report '
    "for {{ days }} working day{% plural %}No progress report for {{ days }} working days{% endblocktranslate %}"
    "</small>{% endif %}</td>\n"
    "    </tr>\n"
    "  {% endwith %}{% endfor %}"
)


def varied_rows() -> list[QueueRow]:
    matter = Matter(main_item="不动产登记", sub_item="首次<登记>")
    plain_matter = Matter(main_item="社保 & 医保", sub_item="")
    helper = StaffMember(name="王<芳>")
    deadlines = [
        DeadlineInfo(None, None),
        DeadlineInfo(date(2026, 12, 4), None),
        DeadlineInfo(date(2026, 12, 4), 5),
        DeadlineInfo(date(2026, 11, 24), 1),
        DeadlineInfo(date(2026, 11, 23), 0),
        DeadlineInfo(date(2026, 11, 20), -1),
        DeadlineInfo(date(2026, 11, 2), -14),
        DeadlineInfo(date(2026, 11, 20), -3, paused=True),
        DeadlineInfo(date(2026, 12, 9), 12, paused=True),
    ]
    rows = []
    for n, info in enumerate(deadlines * 2):
        req = ServiceRequest(
            pk=1000 + n,
            number=f"XH-20261123-{n:04d}{'<&>' if n == 3 else ''}",
            kind="agency" if n % 2 else "assist",
            status=["accepted", "in_progress", "suspended", "applied", "archived", "deficient"][n % 6],
            applicant_name=f"张\"{n}'" if n % 5 == 0 else f"李{n}",
            applicant_phone_masked="138****5678" if n % 4 else None,
            applied_at=datetime(2026, 11, 22, 16 + n % 3, 30, tzinfo=UTC),  # 00:30 on the 23rd in Shanghai
            urgent=n % 3 == 0,
            urgent_target=date(2026, 11, 25 + n % 5) if n % 3 == 0 else None,
            urgent_reason="急" if n % 3 == 0 else "",
            applicant_elderly=n % 2 == 0,
            applicant_disabled=n % 4 == 1,
            applicant_pregnant=n == 5,
            applicant_military=n % 7 == 2,
            key_project_id=7 if n % 6 == 4 else None,
        )
        req.matter = matter if n % 2 else plain_matter
        req.helper = helper
        rows.append(QueueRow(req, info, [None, 0, 1, 4, 23][n % 5]))
    return rows


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_written_in_python_are_the_templates_byte_for_byte(language):
    rows = varied_rows()
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE_ROWS).render({"rows": rows})
        assert queue_rows_html(rows) == expected
    assert queue_rows_html([]) == ""
