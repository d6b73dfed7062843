"""Drawing a person's questions for a monthly test: pure functions, no database.

The draw is random but reproducible: the same pool, quotas, count and seed always give the same questions in
the same order with the same option order. Each attempt stores its seed (and its draw), so a supervisor can
show how a paper came about. A topic with a quota gives exactly that many questions; the rest of the paper
comes from the month's topics that have no quota.

A paper holds distinct questions: the variants of one question (the same ``group`` within a topic, e.g. a
question and its "（变式2）") count as one question. The draw picks the groups first, then one variant of each
picked group; a quota or a paper size counts groups, not variants. A question without a group is a group of its
own. Groups are per topic: the same group name under two topics is two groups (variants test the same topic).
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
    # Variants of one question share a group ("" = a question of its own); a paper holds at most one of them.
    group: str = ""

    @property
    def group_key(self) -> tuple:
        return (self.topic_id, "g", self.group) if self.group else (self.topic_id, "q", self.id)


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


def distinct_per_topic(pool: Iterable[PoolQuestion]) -> dict[int, int]:
    """Distinct questions per topic: the variants of one question count once."""
    groups = {q.group_key for q in pool}
    by_topic: dict[int, int] = {}
    for topic_id, *_rest in groups:
        by_topic[topic_id] = by_topic.get(topic_id, 0) + 1
    return by_topic


def shortfalls(pool: Iterable[PoolQuestion], quotas: Mapping[int, int], count: int) -> list[Shortfall]:
    """What stops a paper of ``count`` questions with these quotas being drawn from ``pool`` (empty: nothing)."""
    by_topic = distinct_per_topic(pool)
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
    """``count`` distinct questions: exactly ``quotas[t]`` of each quota topic t, the rest from other topics;
    at most one variant of each question."""
    pool = sorted(pool, key=lambda q: q.id)  # the order the pool was loaded in must not matter
    problems = shortfalls(pool, quotas, count)
    if problems:
        raise DrawImpossible(problems)
    rng = random.Random(seed)
    variants: dict[tuple, list[PoolQuestion]] = {}
    for q in pool:
        variants.setdefault(q.group_key, []).append(q)
    groups = sorted(variants, key=lambda key: variants[key][0].id)
    picked: list[tuple] = []
    for topic_id, wanted in sorted(quotas.items()):
        picked.extend(rng.sample([g for g in groups if g[0] == topic_id], wanted))
    free = [g for g in groups if g[0] not in quotas]
    picked.extend(rng.sample(free, count - sum(quotas.values())))
    chosen = [rng.choice(variants[g]) for g in picked]
    rng.shuffle(chosen)
    result = []
    for q in chosen:
        order = list(q.option_ids)
        if not q.keep_option_order:
            rng.shuffle(order)
        result.append(Drawn(q.id, tuple(order)))
    return result
