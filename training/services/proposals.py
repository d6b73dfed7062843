"""Training proposed by complaints and poor ratings (issue 19 item 7): propose, accept into the bank, dismiss.

An upheld complaint or a poor rating tagged with a cause (requests.causes) proposes a topic and draft questions
to the supervision section. ``training_proposal_propose`` is the hook registered in ``TrainingConfig.ready``:
requests and complaints may not import training, so they call the hooks of ``requests.causes`` inside the
tagging's transaction, and the proposal is written with the tag or not at all. It is idempotent: one proposal
per complaint or evaluation; tagging the same source again (a complaint reopened and answered again) leaves the
first proposal as it is.

The proposal is written from the case without personal data: the matter, the complaint's category or the poor
marks, the cause, and the findings or the return visit scrubbed of ID numbers, phones, names and addresses of
the citizens involved (``requests.services.public.scrub``). It is text the supervision section reads and edits,
in the hall's language; nothing reaches the bank until the section accepts it, and then the questions go in as
inactive drafts that no test draws until they are checked and activated on the bank's pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hallservice.core.actors import user_of
from hallservice.core.errors import DomainError, TransitionNotAllowed
from hallservice.core.text_limits import excerpt
from requests.causes import FailureCause
from requests.services.public import scrub
from staff.access import ensure_perm

from ..models import PROPOSAL_TRANSITIONS, ProposalStatus, QuestionKind, Topic, TrainingProposal
from .bank import question_create, topic_create
from .common import ensure_transition, record_event, require_text

SOURCES = ("complaint", "evaluation")
# At most this many draft questions are taken from one proposal.
MAX_QUESTIONS = 10
QUESTION_LENGTH = 2000
TOPIC_LENGTH = 60


def _ensure_section(actor) -> None:
    ensure_perm(actor, "training.manage_bank", _("Only the supervision section decides training proposals."))


def _clean(text: str, *, people: Sequence[str], addresses: Sequence[str], limit: int) -> str:
    return excerpt(scrub(text or "", names=tuple(people), addresses=tuple(addresses)).replace("\n", " "), limit)


def _topic_name(cause: str, matter_name: str) -> str:
    """The topic a cause points to: the matter's own topic for what is learnt per matter, a general one else."""
    general = {
        FailureCause.ATTITUDE: _("Service etiquette and communication"),
        FailureCause.OVERTIME: _("Time limits and following up progress"),
        FailureCause.INCOMPLETE_NOTICE: _("One-time notice of materials"),
        FailureCause.POLICY: _("Policies and regulations"),
        FailureCause.PROCESS: _("Procedures of the hall"),
        FailureCause.OTHER: _("Cases of complaints and poor ratings"),
    }
    per_matter = (FailureCause.POLICY, FailureCause.PROCESS, FailureCause.INCOMPLETE_NOTICE)
    name = matter_name if matter_name and cause in per_matter else general[FailureCause(cause)]
    return name[:TOPIC_LENGTH]


def _draft_questions(cause: str, matter_name: str, case_label: str) -> list[str]:
    """Statements to turn into true/false questions; the section rewrites them from the case and the policy."""
    matter = matter_name or _("the matter concerned")
    drafts = {
        FailureCause.POLICY: [
            _("The conditions and the legal basis for “%(matter)s” are: (write them from the policy)"),
            _("The promised time limit of “%(matter)s” is ( ) working days. (check and rewrite)"),
        ],
        FailureCause.PROCESS: [
            _("The steps of “%(matter)s”, in order, and who takes each: (write them)"),
            _("Which departments take part in “%(matter)s”, and in what order: (write them)"),
        ],
        FailureCause.INCOMPLETE_NOTICE: [
            _(
                "When materials for “%(matter)s” are missing, the applicant gets one deficiency notice listing what "
                "was received, what is missing and how to obtain it."
            ),
            _("The materials of “%(matter)s” that must be told to the applicant at once are: (list them)"),
        ],
        FailureCause.ATTITUDE: [
            _("The helper who first receives a citizen answers for the matter and may not send them elsewhere."),
            _("A poor rating or a complaint is followed by a return visit within the time limit."),
        ],
        FailureCause.OVERTIME: [
            _("A request's deadline is counted in working days, and the days it is suspended do not count."),
            _(
                "Before the deadline of “%(matter)s” passes, the helper reports to the duty leader: (check and rewrite)"
            ),
        ],
        FailureCause.OTHER: [_("What went wrong in “%(matter)s” and what should have been done: (write it)")],
    }[FailureCause(cause)]
    case = _("Case %(case)s: what should have been done? (write a statement from the case)") % {"case": case_label}
    return [draft % {"matter": matter} for draft in drafts] + [case]


def _complaint_case(complaint) -> dict:
    req = complaint.request
    people = [complaint.name]
    addresses: list[str] = []
    if req is not None:
        people += [req.applicant_name, req.contact_person, req.pickup_recipient]
        addresses += [req.applicant_address, req.pickup_address]
    matter = req.matter.name if req is not None else ""
    findings = _clean(complaint.findings, people=people, addresses=addresses, limit=300)
    case = _("Complaint %(number)s (%(category)s) was substantiated. Matter: %(matter)s. Findings: %(findings)s") % {
        "number": complaint.number,
        "category": complaint.get_category_display(),
        "matter": matter or "—",
        "findings": findings or "—",
    }
    return {"centre_id": complaint.centre_id, "matter": matter, "case": case, "label": complaint.number}


def _evaluation_case(evaluation) -> dict:
    req = evaluation.request
    people = [req.applicant_name, req.contact_person, req.pickup_recipient]
    addresses = [req.applicant_address, req.pickup_address]
    marks = [
        f"{evaluation._meta.get_field(name).verbose_name}：{getattr(evaluation, f'get_{name}_display')()}"
        for name in ("rating", "efficiency", "service_level", "attitude")
        if getattr(evaluation, name) is not None
    ]
    case = _(
        "Poor rating of request %(number)s (%(matter)s): %(marks)s. Return visit: %(visit)s. Rectification: "
        "%(rectification)s"
    ) % {
        "number": req.number,
        "matter": req.matter.name,
        "marks": "，".join(marks),
        "visit": _clean(evaluation.follow_up_note, people=people, addresses=addresses, limit=200) or "—",
        "rectification": _clean(evaluation.rectification_note, people=people, addresses=addresses, limit=200) or "—",
    }
    return {"centre_id": req.centre_id, "matter": req.matter.name, "case": case, "label": req.number}


def training_proposal_propose(*, source: str, row, actor) -> TrainingProposal:
    """Propose training for ``row`` (a Complaint or an Evaluation just tagged with a cause), once.

    Called by ``requests.causes.cause_tagged`` inside the tagging service's transaction, which holds the row's
    lock: two taggings of one source cannot both create a proposal (the one-to-one column would refuse anyway).
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source of a training proposal: {source!r}")
    existing = TrainingProposal.objects.filter(**{source: row}).first()
    if existing is not None:
        return existing
    with translation.override(settings.LANGUAGE_CODE):
        facts = _complaint_case(row) if source == "complaint" else _evaluation_case(row)
        topic_name = _topic_name(row.cause, facts["matter"])
        questions = _draft_questions(row.cause, facts["matter"], facts["label"])
        note = _("%(cause)s: %(topic)s") % {"cause": FailureCause(row.cause).label, "topic": topic_name}
    proposal = TrainingProposal.objects.create(
        centre_id=facts["centre_id"],
        **{source: row},
        cause=row.cause,
        case=excerpt(facts["case"], TrainingProposal._meta.get_field("case").max_length),
        topic=Topic.objects.filter(name=topic_name).first(),
        topic_name=topic_name,
        questions=questions,
    )
    record_event(centre_id=proposal.centre_id, actor=actor, verb="proposal_made", note=note, proposal=proposal)
    return proposal


def _lock(actor, proposal_id: int) -> TrainingProposal:
    if not TrainingProposal.objects.restrict(actor).filter(pk=proposal_id).exists():
        raise DomainError(_("No such training proposal."), field="proposal")
    proposal = TrainingProposal.objects.select_for_update(of=("self",)).get(pk=proposal_id)
    if proposal.status != ProposalStatus.PROPOSED:
        # A second decision (a page left open, the back button, a second clerk): say who decided, and when.
        decided_by = getattr(proposal.decided_by, "staff_member", None)
        raise TransitionNotAllowed(
            _("This proposal was already decided (%(status)s, %(when)s, %(who)s); it cannot be decided again.")
            % {
                "status": proposal.get_status_display(),
                "when": f"{timezone.localtime(proposal.decided_at):%Y-%m-%d %H:%M}" if proposal.decided_at else "—",
                "who": decided_by.name if decided_by is not None else "—",
            }
        )
    return proposal


def _question_texts(questions: Sequence[str]) -> list[str]:
    texts = [q.strip() for q in questions if q and q.strip()]
    if not texts:
        raise DomainError(_("Keep at least one draft question."), field="questions")
    if len(texts) > MAX_QUESTIONS:
        raise DomainError(_("At most %(n)d draft questions.") % {"n": MAX_QUESTIONS}, field="questions")
    if any(len(text) > QUESTION_LENGTH for text in texts):
        raise DomainError(_("A question has at most %(n)d characters.") % {"n": QUESTION_LENGTH}, field="questions")
    return texts


@transaction.atomic
def training_proposal_accept(
    *, actor, proposal_id: int, topic_name: str, questions: Sequence[str]
) -> TrainingProposal:
    """Accept a proposal as the section edited it: the topic (created when new) and the draft questions, put in
    the centre's bank as inactive true/false questions to check and activate there."""
    _ensure_section(actor)
    proposal = _lock(actor, proposal_id)
    ensure_transition(proposal, ProposalStatus.ACCEPTED, PROPOSAL_TRANSITIONS)
    topic_name = require_text(topic_name, _("Name the topic."), field="topic_name", max_length=TOPIC_LENGTH)
    texts = _question_texts(questions)
    topic = topic_create(actor=actor, name=topic_name)
    with translation.override(settings.LANGUAGE_CODE):
        explanation = _("Drafted from a training proposal: check the statement and its answer, then activate it.")
    for text in texts:
        question_create(
            actor=actor,
            centre_id=proposal.centre_id,
            kind=QuestionKind.TRUE_FALSE,
            text=text,
            options=(),
            correct=[0],
            topic_id=topic.pk,
            explanation=explanation,
            active=False,
        )
    proposal.status, proposal.topic, proposal.topic_name, proposal.questions = (
        ProposalStatus.ACCEPTED,
        topic,
        topic.name,
        texts,
    )
    proposal.decided_by, proposal.decided_at = user_of(actor), timezone.now()
    proposal.save(update_fields=["status", "topic", "topic_name", "questions", "decided_by", "decided_at"])
    record_event(
        centre_id=proposal.centre_id,
        actor=actor,
        verb="proposal_accepted",
        note=_("%(topic)s: %(count)d draft questions") % {"topic": topic.name, "count": len(texts)},
        proposal=proposal,
    )
    return proposal


@transaction.atomic
def training_proposal_dismiss(*, actor, proposal_id: int, reason: str) -> TrainingProposal:
    """Dismiss a proposal, with the reason (already trained, a one-off, not a training matter…)."""
    _ensure_section(actor)
    proposal = _lock(actor, proposal_id)
    ensure_transition(proposal, ProposalStatus.DISMISSED, PROPOSAL_TRANSITIONS)
    reason = require_text(reason, _("Give the reason for dismissing."), field="reason", max_length=200)
    proposal.status, proposal.dismiss_reason = ProposalStatus.DISMISSED, reason
    proposal.decided_by, proposal.decided_at = user_of(actor), timezone.now()
    proposal.save(update_fields=["status", "dismiss_reason", "decided_by", "decided_at"])
    record_event(centre_id=proposal.centre_id, actor=actor, verb="proposal_dismissed", note=reason, proposal=proposal)
    return proposal
