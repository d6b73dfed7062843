"""The statistics page, its CSV downloads and the monthly report: same numbers everywhere, scoped, refused for others."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from staff.roles import Role
from supervision.models import MonthlyReport
from supervision.services import monthly_report_request, monthly_reports_prepare
from supervision.tasks import monthly_reports_prepare_last_month
from tests.conftest import make_staff_user

pytestmark = pytest.mark.django_db

PERIOD = "date_from=2026-11-01&date_to=2026-11-30"


@pytest.fixture
def supervisor_client(client, supervisor_user):
    client.force_login(supervisor_user)
    return client


def test_front_desk_and_department_users_may_not_open_statistics(client, front_desk_user, hall):
    department = make_staff_user(role=Role.DEPARTMENT_USER, centre=hall["district"], username="dept")
    for user in (front_desk_user, department):
        client.force_login(user)
        assert client.get(reverse("supervision:statistics")).status_code == 403
        assert client.get(reverse("supervision:reports")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("supervision:statistics"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_statistics_page_shows_the_figures_charts_and_table_views(november, supervisor_client):
    response = supervisor_client.get(f"{reverse('supervision:statistics')}?{PERIOD}")

    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["stats"].registered == 5
    assert "33.3%" in page  # overdue rate and one-visit rate
    assert 'data-chart="department"' in page and "vendor/chartjs/chart.umd.min.js" in page
    assert "不动产登记中心" in page and "甲帮办" in page
    assert "丁帮办" not in page  # another district's helper
    assert 'id="chart-data"' in page


def test_a_reversed_period_is_a_400_with_a_message(supervisor_client):
    response = supervisor_client.get(f"{reverse('supervision:statistics')}?date_from=2026-11-30&date_to=2026-11-01")

    assert response.status_code == 400
    assert "截止日期早于起始日期" in response.content.decode()


def test_another_districts_centre_is_refused_on_the_page(november, supervisor_client):
    response = supervisor_client.get(f"{reverse('supervision:statistics')}?{PERIOD}&centre={november['other'].pk}")

    assert response.status_code == 400
    assert "stats" not in response.context


def test_csv_download_has_the_same_rows_as_the_page(november, supervisor_client):
    page = supervisor_client.get(f"{reverse('supervision:statistics')}?{PERIOD}")
    response = supervisor_client.get(f"{reverse('supervision:statistics-csv')}?{PERIOD}&chart=department")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    chart = next(c for c in page.context["charts"] if c["key"] == "department")
    assert rows[1:] == [[str(cell) for cell in row] for row in chart["rows"]]
    assert rows[1:] == [["市场监管局", "3", "1", "1"], ["不动产登记中心", "2", "2", "0"]]


def test_csv_of_an_unknown_chart_is_a_400(supervisor_client):
    assert supervisor_client.get(f"{reverse('supervision:statistics-csv')}?{PERIOD}&chart=nope").status_code == 400


def test_monthly_report_is_built_by_the_task_and_matches_the_page(
    november, supervisor_client, supervisor_user, hall, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = supervisor_client.post(
            reverse("supervision:reports"), {"centre": hall["district"].pk, "month": "2026-11"}
        )

    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.status == "done" and report.progress == 100 and report.requested_by == supervisor_user
    workbook = openpyxl.load_workbook(report.xlsx.path)
    figures = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(min_row=3, values_only=True) if row[0]}
    page = supervisor_client.get(f"{reverse('supervision:statistics')}?{PERIOD}&centre={hall['district'].pk}")
    stats = page.context["stats"]
    values = list(figures.values())
    assert values[:7] == [stats.registered, stats.accepted, stats.refused, 60.0, 3, 1, 33.3]
    department = workbook.worksheets[1]
    assert [list(r) for r in department.iter_rows(min_row=3, values_only=True)] == [
        ["市场监管局", 3, 1, 1],
        ["不动产登记中心", 2, 2, 0],
    ]
    pdf = supervisor_client.get(reverse("supervision:report-download", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    xlsx = supervisor_client.get(reverse("supervision:report-download", args=[report.pk, "xlsx"]))
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]


def test_report_page_polls_a_report_that_is_still_running(november, supervisor_client, supervisor_user, hall):
    report = MonthlyReport.objects.create(
        centre=hall["district"], month=date(2026, 11, 1), requested_by=supervisor_user
    )

    row = supervisor_client.get(reverse("supervision:report", args=[report.pk])).content.decode()

    assert 'hx-trigger="every 2s"' in row and "<progress" in row
    assert supervisor_client.get(reverse("supervision:report-download", args=[report.pk, "pdf"])).status_code == 404


def test_another_districts_report_is_not_found(november, supervisor_client):
    report = MonthlyReport.objects.create(centre=november["other"], month=date(2026, 11, 1), status="done")

    assert supervisor_client.get(reverse("supervision:report", args=[report.pk])).status_code == 404
    assert supervisor_client.get(reverse("supervision:report-download", args=[report.pk, "xlsx"])).status_code == 404


def test_a_month_not_yet_started_is_refused(supervisor_client, hall):
    next_year = f"{timezone.localdate().year + 1}-01"

    response = supervisor_client.post(
        reverse("supervision:reports"), {"centre": hall["district"].pk, "month": next_year}
    )

    assert response.status_code == 400 and not MonthlyReport.objects.exists()


def test_a_report_in_progress_is_reused_not_duplicated(supervisor_user, hall, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = monthly_report_request(actor=supervisor_user, centre_id=hall["district"].pk, month=date(2026, 11, 1))
        second = monthly_report_request(actor=supervisor_user, centre_id=hall["district"].pk, month=date(2026, 11, 15))

    assert first.pk == second.pk and MonthlyReport.objects.count() == 1


def test_the_timer_prepares_last_months_report_once_per_district_and_town(hall, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = monthly_reports_prepare_last_month()
    again = monthly_reports_prepare_last_month()

    assert first == 2 and again == 0  # the district and the town; villages roll up into their town
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {"done"}


def test_preparing_a_month_twice_keeps_one_report_per_centre(hall):
    monthly_reports_prepare(month=date(2026, 10, 1))
    monthly_reports_prepare(month=date(2026, 10, 1))

    assert MonthlyReport.objects.filter(month=date(2026, 10, 1)).count() == 2
