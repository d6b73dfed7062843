"""The question bank: shapes of questions, answers among the options, deactivation once used, xlsx import."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from hallservice.core.errors import DomainError, PermissionDenied, TransitionNotAllowed
from training import services as svc
from training.exports import question_template_workbook
from training.importing import read_questions
from training.models import Option, Question, QuestionKind, Topic

from .conftest import add_question, take_test

pytestmark = pytest.mark.django_db


def create(people, topic, **kwargs):
    defaults = {
        "actor": people["supervisor"],
        "centre_id": people["centre"].pk,
        "kind": QuestionKind.SINGLE,
        "text": "题干",
        "options": ["甲", "乙", "丙", "丁"],
        "correct": [0],
        "topic_id": topic.pk,
    }
    return svc.question_create(**{**defaults, **kwargs})


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"correct": [4]}, "correct", "The answer E is not among the options A–D"),
        ({"options": ["甲", "乙"], "correct": [0, 2]}, "correct", "C is not among the options A–B"),
        ({"correct": []}, "correct", "Mark the correct answer"),
        ({"correct": [0, 1]}, "correct", "exactly one"),
        ({"kind": QuestionKind.MULTIPLE, "correct": [1]}, "correct", "at least two correct"),
        ({"options": ["甲"]}, "options", "at least two options"),
        ({"options": ["甲", "甲"]}, "options", "say the same"),
        ({"options": list("ABCDEFGHI")}, "options", "at most 8"),
        ({"text": "  "}, "text", "Write the question"),
        ({"kind": QuestionKind.TRUE_FALSE, "correct": [2]}, "correct", "C is not among the options A–B"),
        ({"kind": "essay"}, "kind", "single choice"),
    ],
)
def test_a_question_is_refused_with_the_reason(people, topics, kwargs, field, message):
    with pytest.raises(DomainError, match=message) as refused:
        create(people, topics[0], **kwargs)
    assert refused.value.field == field
    assert not Question.objects.exists()


def test_true_false_questions_get_their_two_options(people, topics):
    question = create(people, topics[0], kind=QuestionKind.TRUE_FALSE, options=[], correct=[1])
    assert [(o.text, o.is_correct) for o in question.options.all()] == [("正确", False), ("错误", True)]


def test_a_question_from_a_training_takes_its_topic(people, topics, sessions):
    question = create(people, topics[0], topic_id=None, session_id=sessions[1].pk)
    assert question.topic == sessions[1].topic
    with pytest.raises(DomainError, match="topic of its training"):
        create(people, topics[0], session_id=sessions[1].pk)


def test_a_used_question_is_deactivated_not_deleted_and_keeps_its_content(people, published_test):
    take_test(people["helpers"][0], published_test, 10)
    drawn = published_test.attempts.get().questions.select_related("question")
    used = next(row.question for row in drawn if row.question.kind == QuestionKind.SINGLE)
    unused = add_question(people["supervisor"], people["centre"], topic=used.topic)
    sup = people["supervisor"]
    assert svc.question_delete(actor=sup, question_id=unused.pk) is True
    assert not Question.objects.filter(pk=unused.pk).exists()
    assert svc.question_delete(actor=sup, question_id=used.pk) is False
    used.refresh_from_db()
    assert not used.is_active
    options = [o.text for o in used.options.all()]
    with pytest.raises(TransitionNotAllowed, match="deactivate it"):
        svc.question_update(
            actor=sup,
            question_id=used.pk,
            kind=used.kind,
            text=used.text + "（改）",
            options=options,
            correct=[0],
            topic_id=used.topic_id,
        )
    # The explanation may still be improved.
    svc.question_update(
        actor=sup,
        question_id=used.pk,
        kind=used.kind,
        text=used.text,
        options=options,
        correct=[i for i, o in enumerate(used.options.all()) if o.is_correct],
        topic_id=used.topic_id,
        session_id=used.session_id,
        explanation="更清楚的解析",
    )
    used.refresh_from_db()
    assert used.explanation == "更清楚的解析"


def test_only_the_supervision_section_keeps_the_bank(people, topics):
    with pytest.raises(PermissionDenied):
        create(people, topics[0], actor=people["helpers"][0])
    assert not Question.objects.exists()


def workbook(
    rows, header=("题型", "主题", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "难度")
) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    ("单选", "不动产登记", "转移登记几个工作日？", "1", "3", "5", "10", "C", "见公示", "易"),
    ("多选", "服务礼仪", "上岗要求有哪些？", "提前到岗", "佩戴标识", "党员佩戴党徽", "收费", "A、B、C", "", "中"),
    ("判断", "新主题", "帮办代办可以收费。", None, None, None, None, "错", "全程无偿", 3),
]


def test_importing_a_spreadsheet_twice_adds_the_questions_once(people):
    rows, errors = read_questions(workbook(GOOD))
    assert errors == []
    result = svc.question_import(actor=people["supervisor"], centre_id=people["centre"].pk, rows=rows)
    assert (result.created, result.skipped) == (3, 0)
    assert Topic.objects.filter(name="新主题").exists()
    multiple = Question.objects.get(kind=QuestionKind.MULTIPLE)
    assert list(multiple.options.filter(is_correct=True).values_list("position", flat=True)) == [1, 2, 3]
    tf = Question.objects.get(kind=QuestionKind.TRUE_FALSE)
    assert tf.difficulty == 3 and tf.options.get(is_correct=True).text == "错误"
    again = svc.question_import(actor=people["supervisor"], centre_id=people["centre"].pk, rows=rows)
    assert (again.created, again.skipped) == (0, 3)
    assert Question.objects.count() == 3


def test_an_import_with_a_bad_row_imports_nothing_and_names_the_rows(people):
    bad = [
        *GOOD,
        ("单选", "不动产登记", "答案不在选项里", "甲", "乙", "丙", "丁", "E", "", ""),
        ("多选", "不动产登记", "只有一个正确", "甲", "乙", "丙", "", "B", "", ""),
    ]
    rows, errors = read_questions(workbook(bad))
    assert errors == []
    with pytest.raises(svc.ImportRefused) as refused:
        svc.question_import(actor=people["supervisor"], centre_id=people["centre"].pk, rows=rows)
    assert [row for row, _message in refused.value.errors] == [5, 6]
    assert "E is not among the options A–D" in refused.value.errors[0][1]
    assert not Question.objects.exists()


def test_rows_that_cannot_be_read_are_reported(people):
    rows, errors = read_questions(workbook([("问答", "主题", "题干", "甲", "乙", "", "", "A", "", "")]))
    assert rows == [] and errors[0][0] == 2 and "Unknown kind" in errors[0][1]
    _rows, errors = read_questions(workbook(GOOD, header=("x", "y")))
    assert errors and errors[0][0] == 1
    _rows, errors = read_questions(b"not a spreadsheet")
    assert errors and errors[0][0] == 0


def test_the_template_imports_cleanly(people):
    rows, errors = read_questions(question_template_workbook())
    assert errors == [] and len(rows) == 4
    result = svc.question_import(actor=people["supervisor"], centre_id=people["centre"].pk, rows=rows)
    assert result.created == 4


def test_the_bank_pages(client, people, topics, sessions):
    client.force_login(people["helpers"][0])
    assert client.get(reverse("training:bank")).status_code == 403
    assert client.get(reverse("training:bank-import")).status_code == 403
    client.force_login(people["supervisor"])
    assert client.get(reverse("training:bank")).status_code == 200

    def add_question(**fields):
        """Post the bank page's form: a question of difficulty 2 for the centre."""
        return client.post(reverse("training:bank"), {"centre": people["centre"].pk, "difficulty": 2, **fields})

    added = add_question(
        kind=QuestionKind.SINGLE, session=sessions[0].pk, text="网页添加的题目", options="甲\n乙\n丙", answer="B"
    )
    assert added.status_code == 302
    question = Question.objects.get(text="网页添加的题目")
    assert question.topic == sessions[0].topic and question.options.get(is_correct=True).text == "乙"
    refused = add_question(kind="single", topic=topics[0].pk, text="题", options="甲\n乙", answer="D")
    assert refused.status_code == 400 and not Question.objects.filter(text="题").exists()
    page = client.get(question.get_absolute_url())
    assert page.status_code == 200
    deactivated = client.post(reverse("training:question-act", args=[question.pk, "deactivate"]))
    assert deactivated.status_code == 302
    question.refresh_from_db()
    assert not question.is_active
    upload = SimpleUploadedFile(
        "bank.xlsx", workbook([*GOOD, ("单选", "主题", "题", "甲", "乙", "", "", "Z", "", "")])
    )
    imported = client.post(reverse("training:bank-import"), {"centre": people["centre"].pk, "file": upload})
    assert imported.status_code == 400 and "Z" in imported.content.decode()
    upload = SimpleUploadedFile("bank.xlsx", workbook(GOOD))
    imported = client.post(reverse("training:bank-import"), {"centre": people["centre"].pk, "file": upload})
    assert imported.status_code == 302 and Question.objects.count() == 4
    template = client.get(reverse("training:bank-template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Option.objects.filter(question__text="转移登记几个工作日？", is_correct=True).get().text == "5"
