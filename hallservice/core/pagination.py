"""Pagination that stays fast on large tables.

Two ways, for two kinds of list:

- ``KeysetFirstPaginator`` (page numbers): sort and slice primary keys, then load only that page's rows. Sorting
  the ids alone is narrow and cheap; the page's rows are then fetched by id with all their joins.
- ``seek_page`` (cursors, issue 17): a list ordered newest first by a key column and the id, read as the union of
  a few *branches* (querysets with disjoint rows, e.g. "requests of centre A", "of centre B", "forwarded from A").
  Each branch walks its own index from the cursor and stops after one page, whatever the table's size; the
  database merges the branches' few rows. ``OR`` of the branches in one WHERE would defeat every index and sort
  the whole list on each view. Counts are bounded the same way (``bounded_count``): exact up to a threshold,
  "more than" above it; a page's count of more than FRESH_COUNT_LIMIT rows is kept in the cache a short while.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.http import Http404
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

# Up to this many rows a list shows its exact count; above, "10,000+".
COUNT_THRESHOLD = 10_000
# ``?page=N`` is served by an offset, cheap only near the start: beyond this many rows, next/previous only.
MAX_OFFSET = 2_000


def rows_for_ids(queryset: QuerySet, ids: list) -> list:
    by_pk = {obj.pk: obj for obj in queryset.order_by().filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


class KeysetFirstPaginator(Paginator):
    """A Paginator over a queryset that pages through its ids and then fetches the rows of one page."""

    def __init__(self, queryset: QuerySet, per_page: int, **kwargs):
        self.full_queryset = queryset
        super().__init__(queryset.values_list("pk", flat=True), per_page, **kwargs)

    def _get_page(self, object_list, number, paginator) -> Page:
        return Page(rows_for_ids(self.full_queryset, list(object_list)), number, paginator)


class IdFirstPagination(PageNumberPagination):
    """DRF page-number pagination using KeysetFirstPaginator; ``page_size`` may ask for up to 200 rows."""

    django_paginator_class = KeysetFirstPaginator
    page_size_query_param = "page_size"
    max_page_size = 200


# --- Seek pagination over branches --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """A position in a list ordered by (key, pk) descending: the key and pk of a row, as a URL-safe token.

    It holds the sort key (a timestamp) and the row's id only, never anything a filter or a row says about a
    person.
    """

    key: datetime
    pk: int

    @property
    def token(self) -> str:
        raw = f"{self.key.isoformat()}|{self.pk}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        """The cursor in ``token``; None for a missing or malformed one (the list starts again at the top)."""
        if not token:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            key, pk = raw.split("|")
            moment = datetime.fromisoformat(key)
            return cls(moment, int(pk)) if moment.tzinfo is not None else None
        except (ValueError, UnicodeDecodeError, binascii.Error):
            return None


@dataclass
class SeekPage:
    """One page of a seek-paginated list: its rows and the cursors to the pages beside it."""

    rows: list
    has_next: bool
    has_previous: bool
    next_cursor: Cursor | None = None
    previous_cursor: Cursor | None = None
    number: int | None = None  # the page number when it was asked for by number
    count: int = 0
    count_exact: bool = True
    per_page: int = 25
    extra: dict = field(default_factory=dict)
    # Rows listed above the pages (``seek_page(pinned=...)``), unordered, and whether there were more than asked.
    pinned: list = field(default_factory=list)
    pinned_more: bool = False

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Branch:
    """One part of a list read by ``seek_page``: a queryset, and whether it holds few rows.

    A branch of few rows (forwarded requests, say) is read whole from the cursor and sorted with the rest: asked
    for "the newest 26" the planner, which cannot tell how few rows match, may rather walk the whole table's index
    on the sort key; asked for all of them it takes the (partial) index that finds exactly those.
    """

    queryset: QuerySet
    few: bool = False

    @classmethod
    def of(cls, branch: QuerySet | Branch) -> Branch:
        return branch if isinstance(branch, Branch) else cls(branch)


def _seek_condition(key: str, cursor: Cursor, *, after: bool) -> Q:
    # (key, pk) < (k, p), written so the first conjunct bounds an index range on the key column.
    if after:
        return Q(**{f"{key}__lte": cursor.key}) & (Q(**{f"{key}__lt": cursor.key}) | Q(pk__lt=cursor.pk))
    return Q(**{f"{key}__gte": cursor.key}) & (Q(**{f"{key}__gt": cursor.key}) | Q(pk__gt=cursor.pk))


def _compiled(queryset: QuerySet) -> tuple[str, tuple] | None:
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return None
    return sql, tuple(params)


def seek_ids(
    branches: list[QuerySet | Branch],
    *,
    key: str,
    cursor: Cursor | None,
    after: bool = True,
    limit: int,
    offset: int = 0,
) -> list[int]:
    """The ids of ``limit`` rows of the union of ``branches`` from ``cursor`` on (or before it), in list order.

    Each branch is cut to ``offset + limit`` rows in its own subquery, ordered by its own index, so no branch
    reads more than one page from the cursor; the outer query merges them.
    """
    query = seek_sql(branches, key=key, cursor=cursor, after=after, limit=limit, offset=offset)
    if query is None:
        return []
    with connections[Branch.of(branches[0]).queryset.db].cursor() as db_cursor:
        db_cursor.execute(*query)
        return [row[1] for row in db_cursor.fetchall()]


def seek_sql(
    branches: list[QuerySet | Branch],
    *,
    key: str,
    cursor: Cursor | None,
    after: bool = True,
    limit: int,
    offset: int = 0,
) -> tuple[str, tuple] | None:
    """The SQL and parameters behind ``seek_ids`` (None when no branch can have a row), for it and for EXPLAIN."""
    order = (f"-{key}", "-pk") if after else (key, "pk")
    parts = []
    for branch in map(Branch.of, branches):
        queryset = branch.queryset
        if cursor is not None:
            queryset = queryset.filter(_seek_condition(key, cursor, after=after))
        if branch.few:
            queryset = queryset.order_by().values_list(key, "pk")
        else:
            queryset = queryset.order_by(*order).values_list(key, "pk")[: offset + limit]
        compiled = _compiled(queryset)
        if compiled is not None:
            parts.append(compiled)
    if not parts:
        return None
    direction = "DESC" if after else "ASC"
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS b{i}" for i, (sql, _params) in enumerate(parts))
    sql = f"{union} ORDER BY 1 {direction}, 2 {direction} LIMIT %s OFFSET %s"
    return sql, (*(p for _sql, part in parts for p in part), limit, offset)


def count_sql(branches: list[QuerySet | Branch], *, threshold: int) -> tuple[str, tuple] | None:
    """``SELECT COUNT(*)`` over the union of ``branches``, each cut at ``threshold + 1`` rows."""
    parts = [_compiled(Branch.of(b).queryset.order_by().values("pk")[: threshold + 1]) for b in branches]
    parts = [part for part in parts if part is not None]
    if not parts:
        return None
    union = " UNION ALL ".join(f"SELECT 1 AS one FROM ({sql}) AS c{i}" for i, (sql, _params) in enumerate(parts))
    return f"SELECT COUNT(*) FROM ({union}) AS counted", tuple(p for _sql, part in parts for p in part)


def bounded_count(branches: list[QuerySet | Branch], *, threshold: int | None = None) -> tuple[int, bool]:
    """How many rows the union of ``branches`` has, and whether that is exact: counting stops past ``threshold``.

    One query; each branch counts at most ``threshold + 1`` rows with whatever index suits its filters.
    """
    threshold = COUNT_THRESHOLD if threshold is None else threshold
    query = count_sql(branches, threshold=threshold)
    if query is None:
        return 0, True
    with connections[Branch.of(branches[0]).queryset.db].cursor() as db_cursor:
        db_cursor.execute(*query)
        total = db_cursor.fetchone()[0]
    return (total, True) if total <= threshold else (threshold, False)


def pinned_sql(branches: list[QuerySet | Branch], *, order: tuple[str, ...], limit: int) -> tuple[str, tuple] | None:
    """The ids (one column, ``pinned_pk``) of the first ``limit`` rows of the union of ``branches`` by ``order``
    (field names, ``-`` for descending; end it with the pk for a total order); None when no branch can have a row.

    Each branch is cut to ``limit`` rows by its own index, as ``seek_sql`` does, instead of one query ORing the
    branches' conditions, which reads every row of either (issue 17: 135 ms of the queue's 150 at 100,000 rows).
    """
    names = [f"pinned_{i}" for i in range(len(order))]
    sort = [("-" if field.startswith("-") else "") + name for name, field in zip(names, order, strict=True)]
    parts = []
    for branch in map(Branch.of, branches):
        # Named: a DISTINCT query (a filter across a join) also selects the columns it is ordered by.
        annotated = branch.queryset.annotate(
            pinned_pk=F("pk"), **{name: F(field.lstrip("-")) for name, field in zip(names, order, strict=True)}
        )
        compiled = _compiled(annotated.order_by(*sort).values_list("pinned_pk", *names)[:limit])
        if compiled is not None:
            parts.append(compiled)
    if not parts:
        return None
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS u{i}" for i, (sql, _params) in enumerate(parts))
    outer = ", ".join(
        f"{name} {'DESC' if field.startswith('-') else 'ASC'}" for name, field in zip(names, order, strict=True)
    )
    sql = f"SELECT pinned_pk FROM ({union}) AS pinned ORDER BY {outer} LIMIT %s"
    return sql, (*(p for _sql, part in parts for p in part), limit)


# Counts that read many index entries are kept a short while (issue 17): the bounded count of the queue read 10,000
# entries on every view, the overdue view's every open request past its deadline. A count up to FRESH_COUNT_LIMIT
# is made on every view, exact and fresh; a larger one is kept for COUNT_TTL seconds (a clerk's "1,294 requests"
# may be that many seconds old), and "more than COUNT_THRESHOLD" for OVER_THRESHOLD_TTL.
FRESH_COUNT_LIMIT = 1_000
COUNT_TTL = 30
OVER_THRESHOLD_TTL = 60


def _count_key(count: tuple[str, tuple] | None, using: str) -> str | None:
    """The cache key of the bounded count whose SQL is ``count`` on database ``using``."""
    if count is None:
        return None
    text = repr((using, connections[using].settings_dict.get("NAME"), count[0], count[1]))
    return "seek-count:" + hashlib.sha256(text.encode()).hexdigest()


def _ids_and_count(
    branches: list[QuerySet | Branch],
    *,
    key: str,
    cursor: Cursor | None,
    after: bool,
    limit: int,
    offset: int,
    threshold: int,
    pinned: tuple[str, tuple] | None = None,
    pinned_db: str = "default",
    count_branches: list[QuerySet | Branch] | None = None,
) -> tuple[list[int], int, list[int]]:
    """``seek_ids``, the bounded count's total (of ``count_branches`` when given) and the ids of ``pinned`` (SQL of
    one column of ids) in one round trip: the count rides as the first row, the pinned ids as the last rows."""
    page, count = (
        seek_sql(branches, key=key, cursor=cursor, after=after, limit=limit, offset=offset),
        count_sql(branches if count_branches is None else count_branches, threshold=threshold),
    )
    using = Branch.of(branches[0]).queryset.db if branches else pinned_db
    count_key = _count_key(count, using)
    kept = cache.get(count_key) if count_key is not None else None
    if kept is not None:
        count = None  # counted a moment ago: not counted again
    if page is None and count is None and pinned is None:
        return [], kept or 0, []
    direction = "DESC" if after else "ASC"
    parts, params = [], []
    if count is not None:
        parts.append(f"SELECT 0, NULL, NULL, ({count[0]})")
        params += count[1]
    if page is not None:
        parts.append(f"SELECT 1, p.*, NULL FROM ({page[0]}) AS p")
        params += page[1]
    if pinned is not None:
        parts.append(f"SELECT 2, NULL, f.pinned_pk, NULL FROM ({pinned[0]}) AS f")
        params += pinned[1]
    sql = " UNION ALL ".join(parts) + f" ORDER BY 1, 2 {direction}, 3 {direction}"
    with connections[using].cursor() as db_cursor:
        db_cursor.execute(sql, params)
        rows = db_cursor.fetchall()
    counted = kept if kept is not None else next((row[3] for row in rows if row[0] == 0), 0)
    if kept is None and count_key is not None and counted > FRESH_COUNT_LIMIT:
        cache.set(count_key, counted, OVER_THRESHOLD_TTL if counted > threshold else COUNT_TTL)
    return [row[2] for row in rows if row[0] == 1], counted, [row[2] for row in rows if row[0] == 2]


def seek_page(
    branches: list[QuerySet | Branch],
    rows: QuerySet,
    *,
    key: str,
    per_page: int,
    after: str | None = None,
    before: str | None = None,
    page: str | None = None,
    threshold: int | None = None,
    pinned: list[QuerySet | Branch] | None = None,
    pinned_order: tuple[str, ...] = ("-pk",),
    pinned_limit: int = 100,
    count_branches: list[QuerySet | Branch] | None = None,
) -> SeekPage:
    """One page of the union of ``branches``: after or before a cursor token, or by page number near the start.

    ``rows`` loads the page's rows by id (with its joins); the branches only find and order the ids. ``pinned``
    (branches of rows the caller keeps out of ``branches``) names the first ``pinned_limit`` rows by
    ``pinned_order``, listed above the pages: their ids come in the same round trip and their rows with the page's
    (``SeekPage.pinned``, in no particular order). The count is of ``count_branches`` when given (say, the list
    with its pinned rows: a branch left whole counts from its index alone, where leaving rows out of it may make
    the database read each row to tell), else of ``branches``.
    """
    cursor_after, cursor_before = Cursor.parse(after), Cursor.parse(before)
    number = None
    if cursor_after is None and cursor_before is None:
        number = int(page) if (page or "").isdigit() and int(page) > 0 else 1
        if number > MAX_OFFSET // per_page + 1:
            # Refused, not capped: a client counting pages would get an earlier page's rows again under the number
            # it asked for, and never reach the end.
            raise Http404(f"Page numbers reach the first {MAX_OFFSET} rows; follow `next` beyond them.")
    forwards = cursor_before is None
    offset = (number - 1) * per_page if number else 0
    threshold = COUNT_THRESHOLD if threshold is None else threshold
    pinned_query = None
    if pinned is not None:
        pinned_query = pinned_sql(pinned, order=pinned_order, limit=pinned_limit + 1)
    ids, total, pinned_ids = _ids_and_count(
        branches,
        key=key,
        cursor=cursor_after or cursor_before,
        after=forwards,
        limit=per_page + 1,
        offset=offset,
        threshold=threshold,
        pinned=pinned_query,
        pinned_db=Branch.of(pinned[0]).queryset.db if pinned else "default",
        count_branches=count_branches,
    )
    more = len(ids) > per_page
    ids = ids[:per_page]
    if not forwards:
        ids.reverse()
    pinned_more, pinned_ids = len(pinned_ids) > pinned_limit, pinned_ids[:pinned_limit]
    # One query for the page's rows and the pinned ones.
    by_pk = {obj.pk: obj for obj in rows.order_by().filter(pk__in=[*ids, *pinned_ids])} if ids or pinned_ids else {}
    objects = [by_pk[pk] for pk in ids if pk in by_pk]
    pinned_objects = [by_pk[pk] for pk in pinned_ids if pk in by_pk]
    count, exact = (total, True) if total <= threshold else (threshold, False)
    result = SeekPage(
        rows=objects,
        has_next=more if forwards else True,
        has_previous=(cursor_after is not None or offset > 0) if forwards else more,
        number=number,
        count=count,
        count_exact=exact,
        per_page=per_page,
        pinned=pinned_objects,
        pinned_more=pinned_more,
    )
    if objects:
        result.next_cursor = Cursor(getattr(objects[-1], key), objects[-1].pk) if result.has_next else None
        result.previous_cursor = Cursor(getattr(objects[0], key), objects[0].pk) if result.has_previous else None
    else:
        # An empty page past the end (or before the start): offer the way back only.
        result.has_next = result.has_next and not forwards
        result.has_previous = result.has_previous and forwards
    return result


class SeekPagination(BasePagination):
    """DRF side of ``seek_page``: ``?page_size=`` (up to 200), ``?after=``/``?before=`` cursors from ``next`` and
    ``previous``, and ``?page=`` for the first pages. The count is exact up to COUNT_THRESHOLD; above it,
    ``count`` is the threshold and ``count_exact`` is false.

    The view builds the page (it knows the branches) and hands it over with ``use_page``.
    """

    page_size = 50
    max_page_size = 200
    page: SeekPage | None = None
    request = None

    def page_size_for(self, request) -> int:
        size = request.query_params.get("page_size", "")
        return min(max(int(size), 1), self.max_page_size) if size.isdigit() else self.page_size

    def paginate_queryset(self, queryset, request, view=None):  # pragma: no cover - the view calls use_page
        # A programming error, not a missing feature: one queryset cannot be paged by seek (the visibility
        # branches are), so DRF's generic path is refused and the view pages with seek_page and use_page.
        raise ImproperlyConfigured("SeekPagination pages through branches: call seek_page and use_page")

    def use_page(self, page: SeekPage, request) -> None:
        self.page, self.request = page, request

    def _link(self, **params) -> str:
        url = self.request.build_absolute_uri()
        for name in ("page", "after", "before"):
            url = remove_query_param(url, name)
        for name, value in params.items():
            url = replace_query_param(url, name, value)
        return url

    def get_next_link(self) -> str | None:
        cursor = self.page.next_cursor
        return self._link(after=cursor.token) if self.page.has_next and cursor else None

    def get_previous_link(self) -> str | None:
        if not self.page.has_previous:
            return None
        cursor = self.page.previous_cursor
        return self._link(before=cursor.token) if cursor else self._link()

    def get_paginated_response(self, data) -> Response:
        return Response(
            {
                "count": self.page.count,
                "count_exact": self.page.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "count_exact", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "example": 123,
                    "description": (
                        f"Exact when count_exact; otherwise at least this many (stops at {COUNT_THRESHOLD}). "
                        f"A count above {FRESH_COUNT_LIMIT} may be up to {OVER_THRESHOLD_TTL} seconds old."
                    ),
                },
                "count_exact": {"type": "boolean"},
                "next": {**link, "description": "The next page (an `after` cursor)."},
                "previous": {**link, "description": "The previous page (a `before` cursor)."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        def param(name, kind, description):
            return {
                "name": name,
                "required": False,
                "in": "query",
                "description": description,
                "schema": {"type": kind},
            }

        return [
            param("page_size", "integer", f"Rows per page (default {self.page_size}, at most {self.max_page_size})."),
            param("after", "string", "Cursor from `next`: the rows after it."),
            param("before", "string", "Cursor from `previous`: the rows before it."),
            param("page", "integer", f"Page number, for the first pages only (the first {MAX_OFFSET} rows)."),
        ]
