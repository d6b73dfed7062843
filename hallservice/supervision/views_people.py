"""Supervision pages about people: annual assessment, integrity records, ledger audit (being written)."""

from django.http import Http404


def _pending(request, **kwargs):
    raise Http404


assessment_list = assessment_export = assessment_person = integrity_list = integrity_revoke = ledger_audit = _pending
