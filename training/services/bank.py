"""The question bank (F-TRN-2): questions from the training content, xlsx import, deactivation once used."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from hallservice.core.actors import SYSTEM, user_of
from hallservice.core.bidi import strip_bidi_objects
from hallservice.core.errors import DomainError, TransitionNotAllowed
from hallservice.core.text_limits import check_lengths, excerpt
from staff.access import ensure_perm, managed_centre

from ..models import Difficulty, Option, Question, QuestionKind, Topic, TrainingSession
from ..selectors import used_question_ids
from .common import record_event, require_text

LETTERS = "ABCDEFGH"
# "办理……应当（变式2）": a variant of the question written without the suffix.
VARIANT_SUFFIX = re.compile(r"\s*[（(]\s*变式\s*\d+\s*[)）]\s*$")
MAX_GROUP_LENGTH = 2000


def variant_base(text: str) -> str | None:
    """The question a "（变式N）" text is a variant of, or None for a text without that suffix."""
    match = VARIANT_SUFFIX.search(text)
    base = text[: match.start()].strip() if match else ""
    return base or None


MAX_OPTIONS = len(LETTERS)
# Stored as data in the hall's language, like the printed forms: a bank is read by the people tested.
TRUE_FALSE_OPTIONS = ("正确", "错误")


def _ensure_bank(actor) -> None:
    ensure_perm(actor, "training.manage_bank", _("Only the supervision section keeps the question bank."))


def letters(n: int) -> str:
    """'A–D' for four options."""
    return f"{LETTERS[0]}–{LETTERS[n - 1]}" if n > 1 else LETTERS[0]


@dataclass(frozen=True)
class QuestionData:
    """A question's content, checked: what is written to the bank."""

    kind: str
    text: str
    options: tuple[str, ...]
    correct: frozenset[int]  # 0-based positions in `options`
    explanation: str = ""
    difficulty: int = Difficulty.MEDIUM


def question_check(
    *,
    kind: str,
    text: str,
    options: Sequence[str],
    correct: Sequence[int],
    explanation: str = "",
    difficulty: int = Difficulty.MEDIUM,
) -> QuestionData:
    """Check a question's shape; the messages name what to fix (also for import rows)."""
    if kind not in QuestionKind.values:
        raise DomainError(_("Choose single choice, multiple choice or true/false."), field="kind")
    text = require_text(text, _("Write the question."), field="text", max_length=2000)
    if kind == QuestionKind.TRUE_FALSE:
        options = TRUE_FALSE_OPTIONS
    else:
        options = tuple((o or "").strip() for o in options)
        while options and not options[-1]:
            options = options[:-1]
        if len(options) < 2:
            raise DomainError(_("A choice question has at least two options."), field="options")
        if len(options) > MAX_OPTIONS:
            raise DomainError(_("A question has at most %(n)d options.") % {"n": MAX_OPTIONS}, field="options")
        if any(not o for o in options):
            raise DomainError(_("An option is empty."), field="options")
        if any(len(o) > 300 for o in options):
            raise DomainError(_("An option has at most 300 characters."), field="options")
        if len(set(options)) != len(options):
            raise DomainError(_("Two options say the same."), field="options")
    correct = list(correct)
    outside = [i for i in correct if not 0 <= i < len(options)]
    if outside:
        bad = "".join(LETTERS[i] if 0 <= i < MAX_OPTIONS else str(i + 1) for i in outside)
        raise DomainError(
            _("The answer %(answer)s is not among the options %(letters)s.")
            % {"answer": bad, "letters": letters(len(options))},
            field="correct",
        )
    correct = frozenset(correct)
    if not correct:
        raise DomainError(_("Mark the correct answer."), field="correct")
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and len(correct) != 1:
        raise DomainError(_("This kind of question has exactly one correct answer."), field="correct")
    if kind == QuestionKind.MULTIPLE and len(correct) < 2:
        raise DomainError(
            _("A multiple-choice question has at least two correct options; make it single choice."), field="correct"
        )
    if difficulty not in Difficulty.values:
        raise DomainError(_("Choose easy, medium or hard."), field="difficulty")
    return QuestionData(kind, text, options, correct, (explanation or "").strip(), int(difficulty))


def _group(value: str | None) -> str:
    value = (value or "").strip()
    if len(value) > MAX_GROUP_LENGTH:
        raise DomainError(
            _("A variant group has at most %(n)d characters.") % {"n": MAX_GROUP_LENGTH}, field="variant_group"
        )
    return value


def _session_and_topic(actor, centre_id: int, session_id: int | None, topic_id: int | None):
    session = None
    if session_id:
        qs = TrainingSession.objects.restrict(actor)
        session = qs.filter(pk=session_id).first()
        if session is None:
            raise DomainError(_("No such training."), field="session")
        if topic_id and int(topic_id) != session.topic_id:
            raise DomainError(_("The question's topic is the topic of its training."), field="topic")
        topic_id = session.topic_id
    topic = Topic.objects.filter(pk=topic_id).first() if topic_id else None
    if topic is None:
        raise DomainError(_("Choose the topic the question tests."), field="topic")
    return session, topic


def _write_options(question: Question, data: QuestionData) -> None:
    Option.objects.bulk_create(
        strip_bidi_objects(
            Option(question=question, position=i + 1, text=text, is_correct=i in data.correct)
            for i, text in enumerate(data.options)
        )
    )


def _add_question(
    actor, centre, data: QuestionData, *, topic, session, variant_group: str, active: bool = True
) -> Question:
    """A new question of the centre's bank from checked data, with its options (inactive: a draft to check first)."""
    question = Question.objects.create(
        centre=centre,
        kind=data.kind,
        topic=topic,
        session=session,
        text=data.text,
        variant_group=variant_group,
        explanation=data.explanation,
        difficulty=data.difficulty,
        is_active=active,
        created_by=user_of(actor),
    )
    _write_options(question, data)
    return question


@transaction.atomic
def topic_create(*, actor, name: str, description: str = "") -> Topic:
    """A new topic, or the existing one of that name."""
    if not (actor.has_perm("training.manage_bank") or actor.has_perm("training.manage_sessions")):
        raise DomainError(_("Ask the supervision section to add the topic."), field="topic")
    name = require_text(name, _("Name the topic."), field="name", max_length=60)
    check_lengths(Topic, description=description.strip())
    topic, _created = Topic.objects.get_or_create(name=name, defaults={"description": description.strip()})
    return topic


@transaction.atomic
def question_create(
    *,
    actor,
    centre_id: int,
    kind: str,
    text: str,
    options: Sequence[str],
    correct: Sequence[int],
    topic_id: int | None = None,
    session_id: int | None = None,
    explanation: str = "",
    difficulty: int = Difficulty.MEDIUM,
    variant_group: str = "",
    active: bool = True,
) -> Question:
    """Add a question to a centre's bank, tied to the training that taught it or to a topic; ``active=False``
    adds a draft that no test draws until it is activated (training proposals)."""
    _ensure_bank(actor)
    centre = managed_centre(actor, centre_id)
    data = question_check(
        kind=kind, text=text, options=options, correct=correct, explanation=explanation, difficulty=difficulty
    )
    session, topic = _session_and_topic(actor, centre.pk, session_id, topic_id)
    question = _add_question(
        actor, centre, data, topic=topic, session=session, variant_group=_group(variant_group), active=active
    )
    record_event(
        centre_id=centre.pk, actor=actor, verb="question_added", note=excerpt(question.text, 100), session=session
    )
    return question


def _lock(actor, question_id: int) -> Question:
    Question.objects.ensure_visible(actor, question_id, refusal=_("No such question."), field="question")
    return Question.objects.select_for_update(of=("self",)).get(pk=question_id)


@transaction.atomic
def question_update(
    *,
    actor,
    question_id: int,
    kind: str,
    text: str,
    options: Sequence[str],
    correct: Sequence[int],
    topic_id: int | None = None,
    session_id: int | None = None,
    explanation: str = "",
    difficulty: int = Difficulty.MEDIUM,
    variant_group: str | None = None,
) -> Question:
    """Edit a question (``variant_group`` None: unchanged). Once it is in somebody's paper only its explanation, difficulty and topic may change:
    papers already graded must keep meaning what they meant."""
    _ensure_bank(actor)
    question = _lock(actor, question_id)
    data = question_check(
        kind=kind, text=text, options=options, correct=correct, explanation=explanation, difficulty=difficulty
    )
    session, topic = _session_and_topic(actor, question.centre_id, session_id, topic_id)
    current = list(question.options.order_by("position"))
    same_content = (
        data.kind == question.kind
        and data.text == question.text
        and data.options == tuple(o.text for o in current)
        and data.correct == frozenset(i for i, o in enumerate(current) if o.is_correct)
    )
    if not same_content:
        if used_question_ids([question.pk]):
            raise TransitionNotAllowed(
                _("This question is in test papers already: deactivate it and add a corrected one.")
            )
        question.options.all().delete()
        _write_options(question, data)
    question.kind, question.text, question.topic, question.session = data.kind, data.text, topic, session
    question.explanation, question.difficulty = data.explanation, data.difficulty
    if variant_group is not None:
        question.variant_group = _group(variant_group)
    question.save(update_fields=["kind", "text", "topic", "session", "explanation", "difficulty", "variant_group"])
    _record(question, actor=actor, verb="question_edited")
    return question


@transaction.atomic
def question_set_active(*, actor, question_id: int, active: bool) -> Question:
    _ensure_bank(actor)
    question = _lock(actor, question_id)
    _set_active(actor, question, active)
    return question


def _set_active(actor, question: Question, active: bool) -> None:
    if question.is_active != active:
        question.is_active = active
        question.save(update_fields=["is_active"])
        _record(question, actor=actor, verb="question_activated" if active else "question_deactivated")


def _record(question: Question, *, actor, verb: str) -> None:
    """An event of a question, in its centre's training history."""
    record_event(centre_id=question.centre_id, actor=actor, verb=verb, note=excerpt(question.text, 100))


@transaction.atomic
def question_delete(*, actor, question_id: int) -> bool:
    """Delete a question nobody has drawn yet; a used one is deactivated instead. True if it was deleted."""
    _ensure_bank(actor)
    question = _lock(actor, question_id)
    if used_question_ids([question.pk]):
        _set_active(actor, question, False)
        return False
    _record(question, actor=actor, verb="question_deleted")
    question.delete()
    return True


# --- Import ---------------------------------------------------------------------------------------------------


@dataclass
class ImportRow:
    """One spreadsheet row, as read by training.importing (not yet checked)."""

    row: int
    kind: str
    topic: str
    text: str
    options: list[str]
    answer: list[int]
    explanation: str = ""
    difficulty: int = Difficulty.MEDIUM
    session_id: int | None = None
    variant_group: str = ""


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0  # the same question is in the bank already


class ImportRefused(DomainError):
    """Nothing was imported; ``errors`` lists (row number, message) for every row at fault."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(_("Nothing was imported: %(n)d rows need fixing.") % {"n": len(errors)}, field="file")
        self.errors = errors


def _import_groups(checked: Sequence[tuple[ImportRow, QuestionData]]) -> dict[int, str]:
    """The variant group of each row (by row number): the 变式组 column when filled; otherwise a text ending in
    "（变式N）" belongs to the group named by the text without the suffix, and so does the row with that text."""
    groups: dict[int, str] = {}
    bases: set[tuple[str, str]] = set()
    for row, data in checked:
        explicit = row.variant_group.strip()
        base = variant_base(data.text)
        groups[row.row] = explicit or base or ""
        if not explicit and base:
            bases.add((row.topic.strip(), base))
    for row, data in checked:
        if not groups[row.row] and (row.topic.strip(), data.text) in bases:
            groups[row.row] = data.text
    return groups


@transaction.atomic
def question_import(*, actor, centre_id: int, rows: Sequence[ImportRow]) -> ImportResult:
    """Import a spreadsheet's questions, all or nothing. Unknown topics are created; a question already in the
    centre's bank (same topic and text) is skipped, so importing the same file twice adds nothing."""
    _ensure_bank(actor)
    centre = managed_centre(actor, centre_id)
    if not rows:
        raise DomainError(_("The spreadsheet has no questions."), field="file")
    errors: list[tuple[int, str]] = []
    checked: list[tuple[ImportRow, QuestionData]] = []
    for row in rows:
        try:
            data = question_check(
                kind=row.kind,
                text=row.text,
                options=row.options,
                correct=row.answer,
                explanation=row.explanation,
                difficulty=row.difficulty,
            )
            if not row.topic.strip() and not row.session_id:
                raise DomainError(_("Name the topic."), field="topic")
        except DomainError as exc:
            errors.append((row.row, str(exc)))
            continue
        checked.append((row, data))
    for row, _data in checked:
        if len(row.variant_group.strip()) > MAX_GROUP_LENGTH:
            errors.append((row.row, _("A variant group has at most %(n)d characters.") % {"n": MAX_GROUP_LENGTH}))
    if errors:
        raise ImportRefused(errors)
    result = ImportResult()
    seen: set[tuple[int, str]] = set()
    groups = _import_groups(checked)
    for row, data in checked:
        topic_id = None
        if row.topic.strip():
            topic_id = topic_create(actor=SYSTEM, name=row.topic).pk
        try:
            session, topic = _session_and_topic(actor, centre.pk, row.session_id, topic_id)
        except DomainError as exc:
            errors.append((row.row, str(exc)))
            continue
        key = (topic.pk, data.text)
        if key in seen or Question.objects.filter(centre=centre, topic=topic, text=data.text).exists():
            result.skipped += 1
            continue
        seen.add(key)
        group = groups[row.row]
        if group and variant_base(data.text) == group:
            # The question the variant is of, already in the bank without a group, joins the group.
            Question.objects.filter(centre=centre, topic=topic, text=group, variant_group="").update(
                variant_group=group
            )
        _add_question(actor, centre, data, topic=topic, session=session, variant_group=group)
        result.created += 1
    if errors:
        raise ImportRefused(errors)
    record_event(
        centre_id=centre.pk,
        actor=actor,
        verb="questions_imported",
        note=_("%(created)d added, %(skipped)d already in the bank")
        % {"created": result.created, "skipped": result.skipped},
    )
    return result
