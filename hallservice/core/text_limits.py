"""How much free text each field may hold: what the printed forms and the ledger can show, in one place.

Longer input is refused with a message (forms by their ``max_length``, services by ``check_length`` /
``check_lengths``, so the API and code paths refuse too); nothing is cut silently. The limits follow the paper:

- ``REASON`` 200: 受理理由 fills a 34 mm column of the landscape ledger (about 10 characters a line), so 200
  characters stay within one page's row; the acceptance form prints it too.
- ``RESULT`` 300: 办理结果 in the ledger's widest column and on the completion form.
- ``NOTE`` 500: notes printed on a form (the deficiency notice's deadline note, a suspension's to-do list).
- ``SHORT_NOTE`` 300: notes kept on a row beside other data (a material's remark, a hand-over note).
- ``SUMMARY`` 1000: a summary or a public progress report (about half a page).
- ``TEXT`` 2000: working records not printed on a one-page form (work logs, complaints, appeals).
- ``LONG_TEXT`` 5000: minutes, findings and catalogue texts read on screen only.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hallservice.core.errors import DomainError

REASON = 200
RESULT = 300
SHORT_NOTE = 300
NOTE = 500
SUMMARY = 1000
TEXT = 2000
ANSWER = 4000
LONG_TEXT = 5000
# Event notes repeat what the clerk wrote (a reason, a note, a listing of materials): bounded by the inputs.
EVENT_NOTE = 6000


def check_length(value: str | None, limit: int, *, field: str, label: str = "") -> None:
    """Refuse text longer than ``limit`` characters with a message naming the field; never cut it."""
    count = len(value or "")
    if count > limit:
        raise DomainError(
            _("%(label)s is too long: at most %(limit)d characters, this has %(count)d. Shorten it and try again.")
            % {"label": label or _("This text"), "limit": limit, "count": count},
            field=field,
        )


def check_lengths(model, **values: str | None) -> None:
    """``check_length`` for model fields, with each field's own ``max_length`` and label."""
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if model_field.max_length is not None:
            check_length(value, model_field.max_length, field=name, label=str(model_field.verbose_name))


def check_field_length(model, name: str, value: str | None, *, field: str) -> None:
    """``check_lengths`` for one model field whose input has another name (``field``, for the error)."""
    model_field = model._meta.get_field(name)
    check_length(value, model_field.max_length, field=field, label=str(model_field.verbose_name))


def excerpt(text: str, limit: int) -> str:
    """A visibly shortened copy for a log line or list (ends with …); the full text stays where it was written."""
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
