"""Drawing a paper (training.draw): exact per-topic quotas, no duplicates, reproducible from the seed."""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from training.draw import DrawImpossible, PoolQuestion, Shortfall, draw, shortfalls

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def pools(draw_):
    """A pool of questions on up to five topics, with a feasible paper size and quotas for it."""
    n_topics = draw_(st.integers(1, 5))
    sizes = draw_(st.lists(st.integers(0, 12), min_size=n_topics, max_size=n_topics))
    pool, next_id, next_option = [], 1, 1000
    for topic, size in enumerate(sizes, start=1):
        for _ in range(size):
            n_options = draw_(st.integers(2, 6))
            pool.append(
                PoolQuestion(
                    next_id,
                    topic,
                    tuple(range(next_option, next_option + n_options)),
                    keep_option_order=draw_(st.booleans()),
                )
            )
            next_id += 1
            next_option += n_options
    quota_topics = draw_(st.lists(st.sampled_from(range(1, n_topics + 1)), unique=True, max_size=n_topics))
    quotas = {t: draw_(st.integers(1, max(1, sizes[t - 1]))) for t in quota_topics if sizes[t - 1]}
    free_available = sum(size for t, size in enumerate(sizes, start=1) if t not in quotas)
    count = sum(quotas.values()) + draw_(st.integers(0, free_available))
    shuffled = draw_(st.permutations(pool))
    return shuffled, quotas, count


@PROPERTY_SETTINGS
@given(pools(), st.integers(0, 2**62))
def test_a_draw_meets_every_quota_exactly_without_duplicates(case, seed):
    pool, quotas, count = case
    paper = draw(pool, quotas, count, seed)
    ids = [d.question_id for d in paper]
    assert len(ids) == count
    assert len(set(ids)) == count, "a question appears twice"
    topic_of = {q.id: q.topic_id for q in pool}
    per_topic = Counter(topic_of[i] for i in ids)
    for topic, wanted in quotas.items():
        assert per_topic[topic] == wanted
    assert sum(n for t, n in per_topic.items() if t not in quotas) == count - sum(quotas.values())


@PROPERTY_SETTINGS
@given(pools(), st.integers(0, 2**62), st.randoms(use_true_random=False))
def test_the_same_seed_gives_the_same_paper_whatever_order_the_pool_comes_in(case, seed, rnd):
    pool, quotas, count = case
    reordered = list(pool)
    rnd.shuffle(reordered)
    assert draw(pool, quotas, count, seed) == draw(reordered, quotas, count, seed)


@PROPERTY_SETTINGS
@given(pools(), st.integers(0, 2**62))
def test_options_are_the_questions_own_in_some_order_and_true_false_keeps_its_order(case, seed):
    pool, quotas, count = case
    by_id = {q.id: q for q in pool}
    for drawn in draw(pool, quotas, count, seed):
        question = by_id[drawn.question_id]
        assert sorted(drawn.option_order) == sorted(question.option_ids)
        if question.keep_option_order:
            assert drawn.option_order == question.option_ids


def test_different_seeds_give_different_papers():
    pool = [PoolQuestion(i, 1 + i % 3, (10 * i, 10 * i + 1, 10 * i + 2)) for i in range(1, 61)]
    papers = {tuple(d.question_id for d in draw(pool, {1: 4, 2: 4}, 15, seed)) for seed in range(20)}
    assert len(papers) == 20


@pytest.mark.parametrize(
    ("quotas", "count", "expected"),
    [
        ({1: 4}, 4, [(1, 4, 3)]),  # a quota larger than its topic's questions
        ({}, 9, [(None, 9, 8)]),  # more questions than the pool holds
        ({1: 3, 2: 4}, 6, [(None, -1, 1)]),  # quotas above the paper size
        ({1: 3, 2: 4, 3: 1}, 8, []),
        ({1: 3}, 7, []),
    ],
)
def test_shortfalls_name_the_quota_or_the_free_part(quotas, count, expected):
    pool = [PoolQuestion(i, topic, (i * 10, i * 10 + 1)) for i, topic in enumerate([1, 1, 1, 2, 2, 2, 2, 3], 1)]
    assert [(s.topic_id, s.wanted, s.available) for s in shortfalls(pool, quotas, count)] == expected
    if expected:
        with pytest.raises(DrawImpossible):
            draw(pool, quotas, count, 1)
    else:
        assert len(draw(pool, quotas, count, 1)) == count


@st.composite
def pools_with_variants(draw_):
    """A pool where questions come in variant groups (one to four variants each) on up to three topics."""
    pool, next_id = [], 1
    n_groups = {topic: draw_(st.integers(0, 8)) for topic in (1, 2, 3)}
    for topic, groups in n_groups.items():
        for g in range(groups):
            named = draw_(st.booleans())
            for _ in range(draw_(st.integers(1, 4)) if named else 1):
                pool.append(
                    PoolQuestion(next_id, topic, (next_id * 10, next_id * 10 + 1), group=f"g{g}" if named else "")
                )
                next_id += 1
    quotas = {1: draw_(st.integers(0, n_groups[1]))} if n_groups[1] and draw_(st.booleans()) else {}
    free = sum(n for t, n in n_groups.items() if t not in quotas)
    return pool, quotas, sum(quotas.values()) + draw_(st.integers(0, free))


@PROPERTY_SETTINGS
@given(pools_with_variants(), st.integers(0, 2**62))
def test_a_draw_takes_at_most_one_variant_of_each_question(case, seed):
    pool, quotas, count = case
    paper = draw(pool, quotas, count, seed)
    key = {q.id: q.group_key for q in pool}
    assert len(paper) == count
    assert len({key[d.question_id] for d in paper}) == count, "two variants of one question"


def test_variants_count_once_towards_what_the_pool_can_give():
    # One question with three variants and one without: two distinct questions, not four.
    pool = [PoolQuestion(i, 1, (i * 10,), group="转移登记时限" if i < 4 else "") for i in range(1, 5)]
    assert shortfalls(pool, {}, 2) == []
    assert shortfalls(pool, {}, 3) == [Shortfall(None, 3, 2)]
    with pytest.raises(DrawImpossible):
        draw(pool, {}, 3, seed=7)
