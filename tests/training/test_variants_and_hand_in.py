"""A paper holds distinct questions: the "（变式N）" variants of one question count as one (the import groups
them, also through the 变式组 column); the paper's progress says 已答; handing in asks for confirmation first."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook

from hallservice.core.errors import DomainError
from training import services as svc
from training.importing import read_questions
from training.models import AttemptStatus, Question
from training.services.bank import ImportRow

from .conftest import answers_with, at, november_test, start_through_the_page

pytestmark = pytest.mark.django_db


def demo_like_rows(topic: str, distinct: int) -> list[ImportRow]:
    """What the demo imported: each question four times, three of them with "（变式N）" appended."""
    rows = []
    for round_ in range(4):
        for i in range(distinct):
            suffix = "" if round_ == 0 else f"（变式{round_}）"
            rows.append(
                ImportRow(
                    row=len(rows) + 2,
                    kind="single",
                    topic=topic,
                    text=f"办理第{i + 1}类事项，帮办人员应当{suffix}",
                    options=[f"做法甲{i}", f"做法乙{i}", f"做法丙{i}"],
                    answer=[0],
                )
            )
    return rows


def base_text(text: str) -> str:
    return text.split("（变式")[0]


def make_test(people, count: int):
    with at(2026, 11, 20):
        test = november_test(people, question_count=count)
        svc.monthly_test_publish(actor=people["supervisor"], test_id=test.pk)
    return test


def test_a_twenty_question_paper_never_holds_two_variants_of_one_question(people, topics, sessions):
    # Only the first topic's training is in the bank: 20 questions, each with three "（变式N）" variants.
    result = svc.question_import(
        actor=people["supervisor"], centre_id=people["centre"].pk, rows=demo_like_rows(topics[0].name, 20)
    )
    assert result.created == 80
    assert (
        Question.objects.filter(text="办理第1类事项，帮办人员应当").get().variant_group
        == "办理第1类事项，帮办人员应当"
    )
    assert Question.objects.filter(variant_group="办理第1类事项，帮办人员应当").count() == 4
    test = make_test(people, 20)
    for helper in people["helpers"]:
        with at(2026, 11, 25, 10):
            attempt = svc.attempt_start(actor=helper, test_id=test.pk)
        texts = [row.question.text for row in attempt.questions.select_related("question")]
        assert len(texts) == 20
        assert len({base_text(t) for t in texts}) == 20, texts


def test_a_paper_larger_than_the_distinct_questions_is_refused_naming_the_shortfall(people, topics, sessions):
    svc.question_import(
        actor=people["supervisor"], centre_id=people["centre"].pk, rows=demo_like_rows(topics[0].name, 5)
    )
    with at(2026, 11, 20), pytest.raises(DomainError) as refused:
        november_test(people, question_count=6)
    assert "holds 5" in str(refused.value)  # 20 questions in the bank, 5 distinct


def test_the_spreadsheets_variant_group_column_groups_differently_worded_questions(people, topics, sessions):
    book = Workbook()
    sheet = book.active
    sheet.append(["题型", "主题", "题干", "选项A", "选项B", "选项C", "答案", "变式组"])
    sheet.append(
        ["单选", topics[0].name, "存量房转移登记承诺几个工作日办结？", "1个", "3个", "5个", "C", "转移登记时限"]
    )
    sheet.append(
        [
            "单选",
            topics[0].name,
            "办理存量房过户，承诺时限是？",
            "1个工作日",
            "3个工作日",
            "5个工作日",
            "C",
            "转移登记时限",
        ]
    )
    sheet.append(["单选", topics[0].name, "转移登记由谁申请？", "双方共同", "买方", "卖方", "A", ""])
    buffer = BytesIO()
    book.save(buffer)
    rows, errors = read_questions(buffer.getvalue())
    assert errors == []
    svc.question_import(actor=people["supervisor"], centre_id=people["centre"].pk, rows=rows)
    assert Question.objects.filter(variant_group="转移登记时限").count() == 2
    test = make_test(people, 2)
    with at(2026, 11, 25, 10):
        attempt = svc.attempt_start(actor=people["helpers"][0], test_id=test.pk)
    assert {row.question.text for row in attempt.questions.select_related("question")} >= {"转移登记由谁申请？"}


def test_the_papers_progress_says_answered_not_replied(client, people, published_test):
    attempt = start_through_the_page(client, people["helpers"][0], published_test)
    with at(2026, 11, 25, 10):
        page = client.get(attempt.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '已答 <strong id="answered">' in page
    assert "已答复" not in page


def test_handing_in_asks_for_confirmation_naming_the_unanswered_questions(client, people, published_test):
    helper = people["helpers"][0]
    attempt = start_through_the_page(client, helper, published_test)
    answers = answers_with(attempt, 10)
    unanswered = attempt.questions.order_by("position").last()
    form = {"full": "1"}
    for qid, option_ids in answers.items():
        if qid != unanswered.question_id:
            form[f"q{qid}"] = [str(o) for o in option_ids]
    with at(2026, 11, 25, 10, 20):
        asked = client.post(
            reverse("training:attempt-submit", args=[attempt.pk]), form, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        assert asked.status_code == 200
        text = asked.content.decode()
        assert "确认交卷" in text and "共 10 题，已答 9 题。" in text
        assert f"#q-{unanswered.position}" in text
        attempt.refresh_from_db()
        assert attempt.status == AttemptStatus.IN_PROGRESS  # nothing handed in yet …
        assert attempt.questions.exclude(chosen=[]).count() == 9  # … but the answers are saved
        done = client.post(reverse("training:attempt-submit", args=[attempt.pk]), {"confirmed": "1"})
        assert done.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.status, attempt.correct_count) == (AttemptStatus.SUBMITTED, 9)
