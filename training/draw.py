"""Drawing a person's questions for a monthly test: pure functions, no database.

The draw is random but reproducible: the same pool, quotas, count and seed always give the same questions in
the same order with the same option order. Each attempt stores its seed (and its draw), so a supervisor can
show how a paper came about. A topic with a quota gives exactly that many questions; the rest of the paper
comes from the month's topics that have no quota.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PoolQuestion:
    """A question the draw may pick, with its options in bank order."""

    id: int
    topic_id: int
    option_ids: tuple[int, ...]
    # True/false options keep their order (true first); choice options are shuffled per person.
    keep_option_order: bool = False


@dataclass(frozen=True)
class Drawn:
    question_id: int
    option_order: tuple[int, ...]


@dataclass(frozen=True)
class Shortfall:
    """A quota (topic_id) or the free part of the paper (topic_id None) wants more questions than the pool has."""

    topic_id: int | None
    wanted: int
    available: int


class DrawImpossible(Exception):
    def __init__(self, shortfalls: Sequence[Shortfall]):
        super().__init__(shortfalls)
        self.shortfalls = list(shortfalls)


def shortfalls(pool: Iterable[PoolQuestion], quotas: Mapping[int, int], count: int) -> list[Shortfall]:
    """What stops a paper of ``count`` questions with these quotas being drawn from ``pool`` (empty: nothing)."""
    by_topic: dict[int, int] = {}
    for q in pool:
        by_topic[q.topic_id] = by_topic.get(q.topic_id, 0) + 1
    problems = [
        Shortfall(topic_id, wanted, by_topic.get(topic_id, 0))
        for topic_id, wanted in sorted(quotas.items())
        if wanted > by_topic.get(topic_id, 0)
    ]
    free = count - sum(quotas.values())
    free_available = sum(n for topic_id, n in by_topic.items() if topic_id not in quotas)
    if free < 0 or free > free_available:
        problems.append(Shortfall(None, free, free_available))
    return problems


def draw(pool: Iterable[PoolQuestion], quotas: Mapping[int, int], count: int, seed: int) -> list[Drawn]:
    """``count`` distinct questions: exactly ``quotas[t]`` of each quota topic t, the rest from other topics."""
    pool = sorted(pool, key=lambda q: q.id)  # the order the pool was loaded in must not matter
    problems = shortfalls(pool, quotas, count)
    if problems:
        raise DrawImpossible(problems)
    rng = random.Random(seed)
    chosen: list[PoolQuestion] = []
    for topic_id, wanted in sorted(quotas.items()):
        chosen.extend(rng.sample([q for q in pool if q.topic_id == topic_id], wanted))
    free = [q for q in pool if q.topic_id not in quotas]
    chosen.extend(rng.sample(free, count - sum(quotas.values())))
    rng.shuffle(chosen)
    result = []
    for q in chosen:
        order = list(q.option_ids)
        if not q.keep_option_order:
            rng.shuffle(order)
        result.append(Drawn(q.id, tuple(order)))
    return result
