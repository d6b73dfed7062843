"""满意率: the one definition of the satisfaction rate, used by the statistics dashboard, the monthly report and
the complaint dashboard.

An evaluation counts once it is valid (not invalidated on appeal). Its rating is the applicant's *final* word:
the follow-up rating given after the rectification of a poor rating (好差评 整改 回访) when there is one,
otherwise the rating as first given. Satisfied means "basically satisfied" or better (the five 好差评 levels).
The rate is satisfied over valid evaluations, in percent with one decimal ("—" without any).

The pages differ only in the evaluations they count, and each says which: the statistics count those given in
the chosen period, the complaint dashboard every evaluation to date of the requests the user may see.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from hallservice.core.rates import percent_value

from .models import POOR_RATINGS, Rating

SATISFIED_MIN = Rating.BASICALLY_SATISFIED


def final_rating() -> Coalesce:
    """The rating that counts: the follow-up rating when given, else the first one."""
    return Coalesce("follow_up_rating", "rating")


def counted(evaluations: QuerySet) -> QuerySet:
    """The evaluations that count, each annotated with its ``final`` rating."""
    return evaluations.filter(is_invalid=False).annotate(final=final_rating())


def satisfied(final: str = "final") -> Q:
    return Q(**{f"{final}__gte": SATISFIED_MIN})


def satisfaction_rate(satisfied_count: int, total: int) -> float | None:
    return percent_value(satisfied_count, total)


def satisfaction(evaluations: QuerySet) -> dict:
    """``total``, ``satisfied`` and ``rate`` of a queryset of evaluations, by the definition above."""
    counts = counted(evaluations).aggregate(total=Count("pk"), satisfied=Count("pk", filter=satisfied()))
    return {**counts, "rate": satisfaction_rate(counts["satisfied"], counts["total"])}


def evaluation_rates(evaluations) -> dict:
    """Satisfaction and poor-rating rates of the valid evaluations (an appeal may void one): poor ratings counted
    as given and after rectification (the follow-up rating, once given, replaces the first); 满意率 by the
    definition above, the same as the statistics dashboard's."""
    poor = [r.value for r in POOR_RATINGS]
    valid = counted(evaluations)
    counts = valid.aggregate(
        total=Count("pk"),
        poor_before=Count("pk", filter=Q(rating__in=poor)),
        poor_after=Count("pk", filter=Q(final__in=poor)),
        satisfied=Count("pk", filter=satisfied()),
        rated_again=Count("pk", filter=Q(follow_up_rating__isnull=False)),
    )
    total = counts["total"]

    def pct(n):
        return percent_value(n, total)

    return {
        **counts,
        "invalid": evaluations.filter(is_invalid=True).count(),
        "satisfied_rate": satisfaction_rate(counts["satisfied"], total),
        "poor_before_rate": pct(counts["poor_before"]),
        "poor_after_rate": pct(counts["poor_after"]),
    }
