"""The ledger (台账): registration-table columns, filters, masking, constant queries and the xlsx export."""

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from requests.ledger import LEDGER_COLUMNS
from requests.models import Evaluation, Rating
from tests.factories import VALID_ID_NUMBERS, ServiceRequestFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d):
    return time_machine.travel(datetime(y, m, d, 10, tzinfo=SHANGHAI), tick=False)


def workbook_of(response):
    return load_workbook(BytesIO(b"".join(response.streaming_content))).active


def test_ledger_rows_follow_the_registration_table(client, people, matter, register):
    req = register(reason="年老行动不便", channel="window")
    Evaluation.objects.create(request=req, rating=Rating.SATISFIED)
    client.force_login(people["supervisor"])
    response = client.get(reverse("requests:ledger"))
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert (row.index, row.number, row.matter, row.reason) == (1, req.number, matter.name, "年老行动不便")
    assert row.evaluation == Rating.SATISFIED.label and row.helper == "王帮办"
    assert row.phone_masked == "138****5678" and row.centre == req.centre.name
    html = response.content.decode()
    assert req.number in html and "年老行动不便" in html and "138****5678" in html
    # Even a supervisor, who may open the full data on the request page, gets a masked ledger.
    assert "13812345678" not in html and VALID_ID_NUMBERS[0] not in html and "建设路" not in html


def test_row_numbers_continue_across_pages(client, people, matter):
    desk = people["desk"].staff_member
    ServiceRequestFactory.create_batch(5, centre=desk.centre, helper=desk, matter=matter)
    client.force_login(people["desk"])
    response = client.get(reverse("requests:ledger"), {"page_size": 2, "page": 2})
    assert [row.index for row in response.context["rows"]] == [3, 4]


def test_ledger_uses_the_queue_filters_and_scope(client, people, matter, register):
    assist = register()
    agency = register(kind="agency")
    register(actor=people["town_desk"], kind="agency")
    client.force_login(people["desk"])
    response = client.get(reverse("requests:ledger"), {"kind": "agency"})
    assert [row.number for row in response.context["rows"]] == [agency.number]
    response = client.get(reverse("requests:ledger"), {"status": "bogus"})
    assert response.status_code == 400 and "status" in response.context["filter"].form.errors
    assert {row.number for row in response.context["rows"]} == {assist.number, agency.number}


def test_xlsx_exports_every_filtered_row_masked(client, people, matter):
    desk = people["desk"].staff_member
    with at(2026, 11, 23):
        ServiceRequestFactory.create_batch(3, centre=desk.centre, helper=desk, matter=matter, kind="agency")
        ServiceRequestFactory.create_batch(2, centre=desk.centre, helper=desk, matter=matter, kind="assist")
        client.force_login(people["desk"])
        response = client.get(reverse("requests:ledger"), {"kind": "agency", "page_size": 1, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert 'filename="ledger-20261123.xlsx"' in response["Content-Disposition"]
    sheet = workbook_of(response)
    assert "2026-11-23" in sheet["A1"].value  # title row with the period
    header = [cell.value for cell in sheet[2]]
    assert header == [str(heading) for heading, _width, _value in LEDGER_COLUMNS]
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.max_row - 2 == 3  # every filtered row, not the one on the page
    assert [sheet.cell(row=r, column=1).value for r in range(3, 6)] == [1, 2, 3]
    cells = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)
    assert "138****5678" in cells
    assert "13812345678" not in cells and VALID_ID_NUMBERS[0] not in cells


def test_ledger_runs_a_constant_number_of_queries(client, people, desk_requests, rows_cost_constant_queries):
    client.force_login(people["desk"])
    url = reverse("requests:ledger")
    desk_requests(5, "in_progress")

    def add_55_delivered_20_rated():
        requests = desk_requests(55, "delivered")
        Evaluation.objects.bulk_create(Evaluation(request=r, rating=Rating.VERY_SATISFIED) for r in requests[:20])

    five = rows_cost_constant_queries(url, add_55_delivered_20_rated)
    with CaptureQueriesContext(connection) as export_60:
        client.get(url, {"format": "xlsx"})
    assert len(export_60) <= five
