"""Ledger gaps: which requests the ledger audit lists, kept in a small table so the audit never scans the ledger.

The audit's questions (no summary, no proof of delivery, archived without documents, agency without a
signed commission) need anti-joins of every finished request with summaries, deliveries and documents:
seconds on a district's three years. Most requests have no gap, so `LedgerGap` keeps a row only for those
that have one, and the audit joins the scope's requests to it (supervision/audit.py).

Kept right like the daily figures (supervision/figures.py): triggers on requests, summaries,
deliveries, issued documents and kept signed forms append the request's id to `StaleRequest` on every change that can open or
close a gap; `refresh_gaps()` (called by the audit before it reads, and after migrate) claims those ids and
computes their gaps again with the conditions below, in the database. Whether a missing summary is overdue
depends on today (2 working days of grace), so the audit applies that when it reads.

"Archived without documents" is a gap only where a form is required: every agency request (the acceptance
form 代办事项受理单, seed 004 appendix B, and the commission letter, seed 003) and every assist request for a
pending (待办) matter (the completion form the applicant signs on delivery, SPEC F-REQ-8). An assist request for
an immediate (即办) matter is settled at the window with the result handed over on the spot (seed 003 三.3): it
needs no form. The matter's handling type can change, so a trigger on the matters marks their archived
requests stale when it does.
"""

from __future__ import annotations

from django.db import connections, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q

from requests.models import (
    SIGNED_HANDOVERS,
    Delivery,
    DeliveryMethod,
    HandlingType,
    IssuedDocument,
    KeptSignature,
    Kind,
    ServiceRequest,
    SignedFormKind,
    Status,
    Summary,
)

from . import triggers
from .models import LedgerGap

FLAGS = ("no_summary", "no_delivery_proof", "no_documents", "no_commission")
FINISHED = (Status.COMPLETED, Status.DELIVERED, Status.ARCHIVED)
HANDED_OVER = (Status.DELIVERED, Status.ARCHIVED)
# States an agency request reaches only once accepted: from here on it needs the signed commission letter.
AFTER_ACCEPTANCE = (
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.SUSPENDED,
    Status.COMPLETED,
    Status.DELIVERED,
    Status.ARCHIVED,
)
# Columns of a request that can open or close a gap, or that a gap copies.
REQUEST_COLUMNS = (
    "status",
    "kind",
    "matter_id",
    "commission_signed",
    "accepted_at",
    "completed_at",
    "centre_id",
    "applied_at",
)
# Columns of a matter that decide a gap of its requests.
MATTER_COLUMNS = ("handling_type",)
# More stale requests than this at once (a bulk load, a first install): recompute every gap in one statement.
REBUILD_ALL_ABOVE = 20_000
CHUNK = 5_000
REFRESH_LOCK_KEY = 20261202

_STALE = "hallservice_stalerequest"
_REQUESTS = "requests_servicerequest"
_MATTERS = "requests_matter"
_MATTER_GROUP = "hall_stale_matter_ledger"
_SOURCES = {
    "hall_stale_summary_ledger": "requests_summary",
    "hall_stale_delivery_ledger": "requests_delivery",
    "hall_stale_document_ledger": "requests_issueddocument",
    "hall_stale_signature_ledger": "requests_keptsignature",
}


def gap_conditions() -> dict[str, Q]:
    """Each gap as a condition on a request, independent of the date."""
    has_summary = Exists(Summary.objects.filter(request=OuterRef("pk")))

    # Issue 18: a signature is kept, not flagged. A signed hand-over's proof is the kept signed completion form
    # (seed 001 七.3 "由委托人在帮办代办服务办结单上签字确认"), a posted result's the kept post receipt ("签收确认").
    def kept(kind: SignedFormKind):
        return Exists(KeptSignature.objects.filter(request=OuterRef("request_id"), kind=kind))

    has_proof = Exists(
        Delivery.objects.filter(request=OuterRef("pk")).filter(
            Q(method=DeliveryMethod.ON_THE_SPOT)
            | (Q(method__in=SIGNED_HANDOVERS) & ~Q(signer="") & kept(SignedFormKind.COMPLETION_FORM))
            | (
                Q(method=DeliveryMethod.POST)
                & ~Q(tracking_number="")
                & Q(receipt_confirmed_at__isnull=False)
                & kept(SignedFormKind.POST_RECEIPT)
            )
        )
    )
    has_documents = Exists(IssuedDocument.objects.filter(request=OuterRef("pk")))
    has_commission = Exists(
        KeptSignature.objects.filter(request=OuterRef("pk"), kind=SignedFormKind.COMMISSION_LETTER)
    )
    return {
        "no_summary": Q(status__in=FINISHED) & ~has_summary,
        "no_delivery_proof": Q(status__in=HANDED_OVER) & ~has_proof,
        "no_documents": Q(status=Status.ARCHIVED)
        & ~has_documents
        & (Q(kind=Kind.AGENCY) | ~Q(matter__handling_type=HandlingType.IMMEDIATE)),
        # The flag alone was a ticked box before issue 18: the kept signed letter decides.
        "no_commission": Q(kind=Kind.AGENCY)
        & (Q(commission_signed=False) | ~has_commission)
        & (Q(status__in=AFTER_ACCEPTANCE) | Q(accepted_at__isnull=False)),
    }


# --- Triggers -------------------------------------------------------------------------------------------


def trigger_groups(vendor: str) -> dict[str, list[str]]:
    if vendor == "postgresql":
        insert = f"INSERT INTO {_STALE} (request_id) SELECT DISTINCT r FROM ({{}}) AS t(r) WHERE r IS NOT NULL;"
        groups = {
            "hall_stale_request_ledger": triggers.pg_group(
                "hall_stale_request_ledger",
                _REQUESTS,
                insert,
                "SELECT id FROM new_rows",
                "SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id "
                f"WHERE {triggers.pg_changed(REQUEST_COLUMNS)}",
                "SELECT id FROM old_rows",
            )
        }
        for name, table in _SOURCES.items():
            groups[name] = triggers.pg_group(
                name,
                table,
                insert,
                "SELECT request_id FROM new_rows",
                "SELECT request_id FROM old_rows UNION ALL SELECT request_id FROM new_rows",
                "SELECT request_id FROM old_rows",
            )
        # A matter's handling type decides whether its archived requests need a form: only an update can change
        # it (a new matter has no requests, a used one cannot be deleted), so insert and delete mark nothing.
        groups[_MATTER_GROUP] = triggers.pg_group(
            _MATTER_GROUP,
            _MATTERS,
            insert,
            "SELECT NULL::bigint WHERE false",
            f"SELECT r.id FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN {_REQUESTS} r ON r.matter_id = n.id "
            f"WHERE {triggers.pg_changed(MATTER_COLUMNS)} AND r.status = '{Status.ARCHIVED.value}'",
            "SELECT NULL::bigint WHERE false",
        )
        return groups

    def mark(expr: str) -> str:
        return f"INSERT INTO {_STALE} (request_id) VALUES ({expr});"

    trigger = triggers.sqlite_trigger
    groups = {
        "hall_stale_request_ledger": [
            trigger("hall_stale_request_ledger_insert", "INSERT", _REQUESTS, [mark("NEW.id")]),
            trigger(
                "hall_stale_request_ledger_update",
                "UPDATE",
                _REQUESTS,
                [mark("NEW.id")],
                triggers.sqlite_changed(REQUEST_COLUMNS),
            ),
            trigger("hall_stale_request_ledger_delete", "DELETE", _REQUESTS, [mark("OLD.id")]),
        ]
    }
    for name, table in _SOURCES.items():
        groups[name] = [
            trigger(f"{name}_insert", "INSERT", table, [mark("NEW.request_id")]),
            trigger(f"{name}_update", "UPDATE", table, [mark("OLD.request_id"), mark("NEW.request_id")]),
            trigger(f"{name}_delete", "DELETE", table, [mark("OLD.request_id")]),
        ]
    groups[_MATTER_GROUP] = [
        trigger(
            f"{_MATTER_GROUP}_update",
            "UPDATE",
            _MATTERS,
            [
                f"INSERT INTO {_STALE} (request_id) SELECT id FROM {_REQUESTS} "
                f"WHERE matter_id = NEW.id AND status = '{Status.ARCHIVED.value}';"
            ],
            triggers.sqlite_changed(MATTER_COLUMNS),
        )
    ]
    return groups


def expected_trigger_names(using: str = "default") -> set[str]:
    return triggers.created_trigger_names(trigger_groups(connections[using].vendor))


def install_triggers(using: str = "default") -> bool:
    """Create the ledger triggers that are missing or outdated; when any was, recompute every gap."""
    return triggers.install(
        trigger_groups,
        {_STALE, _REQUESTS, _MATTERS, LedgerGap._meta.db_table, *_SOURCES.values()},
        lambda: rebuild_all_gaps(using=using),
        using,
    )


# --- Refresh --------------------------------------------------------------------------------------------


def refresh_gaps(*, using: str = "default") -> int:
    """Recompute the gaps of every request marked stale; returns how many requests were looked at."""
    with transaction.atomic(using=using):
        ids = sorted(set(triggers.claim(_STALE, "request_id", REFRESH_LOCK_KEY, using)))
        if len(ids) > REBUILD_ALL_ABOVE:
            rebuild_all_gaps(using=using)
        else:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                LedgerGap.objects.using(using).filter(request_id__in=chunk).delete()
                _insert_gaps(ServiceRequest.objects.using(using).filter(pk__in=chunk), using)
    return len(ids)


def rebuild_all_gaps(*, using: str = "default") -> None:
    LedgerGap.objects.using(using).all().delete()
    _insert_gaps(ServiceRequest.objects.using(using).all(), using)


def _insert_gaps(requests, using: str) -> None:
    """INSERT INTO the gaps SELECT the requests with at least one gap, each flag computed by the database."""
    conditions = gap_conditions()
    any_gap = Q()
    for condition in conditions.values():
        any_gap |= condition
    queryset = (
        requests.order_by()
        .filter(any_gap)
        .annotate(
            f_request=F("pk"),
            f_centre=F("centre_id"),
            f_applied=F("applied_at"),
            f_completed=F("completed_at"),
            **{f"f_{flag}": ExpressionWrapper(conditions[flag], output_field=BooleanField()) for flag in FLAGS},
        )
        .values("f_request", "f_centre", "f_applied", "f_completed", *(f"f_{flag}" for flag in FLAGS))
    )
    names = ("request", "centre", "applied", "completed", *FLAGS)
    targets = ("request_id", "centre_id", "applied_at", "completed_at", *FLAGS)
    triggers.insert_select(
        table=LedgerGap._meta.db_table,
        columns={target: f"sub.f_{name}" for target, name in zip(targets, names, strict=True)},
        queryset=queryset,
        using=using,
    )
