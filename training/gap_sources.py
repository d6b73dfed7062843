"""Skill gaps shown where the supervision section decides what to train (issue 19 item 5).

The skills matrix (supervision.skills) records, per helper and department, the training topics that would close a
helper's gap. The proposals page of training lists the open ones beside the proposals of complaints and poor
ratings, but supervision sits above training (docs/architecture.md) and training may not import it: supervision
registers a source here from ``AppConfig.ready()``, as training registers its hook with ``requests.causes``.

A source is ``source(user) -> list[dict]``: the open gaps of the user's centres, each a plain dict with
``id``, ``staff_name``, ``centre_name``, ``department_name``, ``level_label``, ``topics`` (the proposed topics,
weakest first, each ``{"id", "name", "score"}``), ``created_at`` and ``plan_url`` (where to POST to plan a
training on the first topic). Acting on a gap belongs to the source's own pages.
"""

from __future__ import annotations

from collections.abc import Callable

GapSource = Callable[..., list]

_sources: list[GapSource] = []


def register_gap_source(source: GapSource) -> None:
    """Register once (ready() may run twice in tests, so a source already registered is not added again)."""
    if source not in _sources:
        _sources.append(source)


def open_gaps(user) -> list[dict]:
    """Every registered source's open gaps for ``user``, in the sources' order."""
    rows: list[dict] = []
    for source in list(_sources):
        rows.extend(source(user))
    return rows
