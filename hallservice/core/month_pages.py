"""What a centre's month page hands its templates: the heading with its centre picker
(``partials/centre_pagehead.html``) and the pager to the months before and after."""

from __future__ import annotations

from datetime import date

from .months import next_month, previous_month


def month_page_context(*, centre, centres, month: date) -> dict:
    """The centre shown, the centres the user may pick from, the month and the months either side of it."""
    return {
        "centre": centre,
        "centres": centres,
        "month": month,
        "previous": previous_month(month),
        "next": next_month(month),
    }
