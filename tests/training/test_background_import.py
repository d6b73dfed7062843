"""A question-bank spreadsheet of more than 200 rows is imported by a Celery task with progress (issue 15, item 10):
the request keeps the file in MEDIA storage and answers at once; the import page polls the row."""

from datetime import timedelta
from io import BytesIO
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from openpyxl import Workbook

from training.models import ImportStatus, Question, QuestionImport
from training.services.imports import question_import_run, question_imports_sweep

HEADER = ("题型", "主题", "题干", "A", "B", "C", "D", "答案", "解析", "难度")


def _xlsx(n: int, *, bad_row: int | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i in range(n):
        answer = "E" if i == bad_row else "B"
        sheet.append(
            ("单选", "不动产登记", f"第{i}题：不动产登记需要哪些材料？", "甲", "乙", "丙", "丁", answer, "", "中")
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, people, content: bytes, name="题库615.xlsx"):
    return client.post(
        reverse("training:bank-import"),
        {"centre": people["centre"].pk, "file": SimpleUploadedFile(name, content)},
    )


def test_a_615_row_bank_is_imported_in_the_background_and_the_page_polls_its_progress(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["supervisor"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _upload(client, people, _xlsx(615))
    job = QuestionImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("training:bank-import-status", args=[job.pk])
    assert job.status == ImportStatus.QUEUED and job.file and not Question.objects.exists()
    page = client.get(response.url).content.decode()
    assert f'hx-get="{reverse("training:bank-import-status", args=[job.pk])}"' in page
    for callback in callbacks:  # the commit: the (eager) task runs
        callback()
    job.refresh_from_db()
    assert (job.status, job.progress, job.rows, job.created_count) == (ImportStatus.DONE, 100, 615, 615)
    assert not job.file  # the upload is not kept once imported
    assert Question.objects.count() == 615
    partial = client.get(reverse("training:bank-import-status", args=[job.pk]), headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "已新增 615 道试题" in body and "<html" not in body and "hx-get" not in body


def test_a_small_bank_is_still_imported_at_once(client, people):
    client.force_login(people["supervisor"])
    response = _upload(client, people, _xlsx(3), name="small.xlsx")
    assert response.status_code == 302 and response.url == reverse("training:bank")
    assert Question.objects.count() == 3 and not QuestionImport.objects.exists()


def test_a_large_bank_with_a_bad_row_imports_nothing_and_lists_the_row(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["supervisor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, people, _xlsx(300, bad_row=250))
    job = QuestionImport.objects.get()
    assert job.status == ImportStatus.FAILED and job.row_errors[0][0] == 252
    assert not Question.objects.exists()
    page = client.get(response.url).content.decode()
    assert "第 252 行" in page and job.row_errors[0][1] in page and "E" in job.row_errors[0][1] and "重试" not in page


def test_a_second_delivery_of_the_task_adds_nothing(client, people, django_capture_on_commit_callbacks):
    client.force_login(people["supervisor"])
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, people, _xlsx(250))
    job = QuestionImport.objects.get()
    again = question_import_run(import_id=job.pk)
    assert again.status == ImportStatus.DONE and Question.objects.count() == 250
    assert QuestionImport.objects.get().attempts == 1


def test_with_the_broker_down_the_upload_is_kept_and_the_sweep_sends_it_when_the_queue_is_back(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["supervisor"])
    with mock.patch("training.tasks.question_import_run.apply_async", side_effect=OperationalError("down")):
        with django_capture_on_commit_callbacks(execute=True):
            response = _upload(client, people, _xlsx(210))
        assert response.status_code == 302
        job = QuestionImport.objects.get()
        assert job.status == ImportStatus.QUEUED and job.enqueued_at is None
        assert "队列恢复后将自动开始" in client.get(response.url).content.decode()
    assert question_imports_sweep()["sent"] == 1
    assert QuestionImport.objects.get().status == ImportStatus.DONE and Question.objects.count() == 210


def test_an_import_whose_worker_died_three_times_fails_visibly_and_can_be_tried_again(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["supervisor"])
    with (
        mock.patch("training.tasks.question_import_run.apply_async"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _upload(client, people, _xlsx(220))
    job = QuestionImport.objects.get()
    QuestionImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, attempts=3, heartbeat_at=timezone.now() - timedelta(minutes=30)
    )
    assert question_imports_sweep()["failed"] == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "3" in job.error and not job.row_errors
    page = client.get(response.url).content.decode()
    assert job.error in page and "重试" in page
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(response.url)
    assert retried.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Question.objects.count() == 220
