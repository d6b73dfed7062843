"""A populated database of the schema before the structure redesign (issue 16) migrates forward with no data lost.

The database is taken back to the migrations that were the leaves before issue 16, filled through the historical
models of that state, then migrated to the latest state. Models that moved between apps keep their tables
(``Meta.db_table``), so the rows are checked by table name and through today's models, wherever they live now.
"""

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The leaf migration of each app before issue 16. An app of ours that is not listed here did not exist then and
# is taken back to zero (complaints, supervision).
LEAVES_BEFORE_ISSUE_16 = {
    "hallservice": "0008_merge_outbox",
    "requests": "0013_merge_outbox_and_access_log",
    "rosters": "0003_merge_0002_plan_continued_from_0002_text_limits",
    "staff": "0007_merge_0005_window_automatic_minimum_0006_text_limits",
    "training": "0004_question_import",
}
# Where each model lived then (first label) and may live now (the others).
HOMES = {
    "ServiceCentre": ["staff.ServiceCentre"],
    "Department": ["staff.Department"],
    "Window": ["staff.Window"],
    "StaffMember": ["staff.StaffMember"],
    "Matter": ["requests.Matter"],
    "ServiceRequest": ["requests.ServiceRequest"],
    "RequestEvent": ["requests.RequestEvent"],
    "Complaint": ["requests.Complaint", "complaints.Complaint"],
    "ComplaintEvent": ["requests.ComplaintEvent", "complaints.ComplaintEvent"],
    "IntegrityRecord": ["staff.IntegrityRecord", "supervision.IntegrityRecord"],
    "MonthlyReport": ["hallservice.MonthlyReport", "supervision.MonthlyReport"],
    "DailyFigure": ["hallservice.DailyFigure", "supervision.DailyFigure"],
    "RotationPlan": ["rosters.RotationPlan"],
    "RotationAssignment": ["rosters.RotationAssignment"],
    "Topic": ["training.Topic"],
    "TrainingSession": ["training.TrainingSession"],
}

SHANGHAI = ZoneInfo("Asia/Shanghai")


def current_model(name: str):
    for label in reversed(HOMES[name]):
        try:
            return apps.get_model(label)
        except LookupError:
            continue
    raise LookupError(f"{name} is in none of {HOMES[name]}")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def our_apps(executor) -> list[str]:
    # Apps of Django and PyPI (installed in site-packages) keep their migrations.
    labels = {app for app, _name in executor.loader.graph.leaf_nodes()}
    return sorted(label for label in labels if "site-packages" not in Path(apps.get_app_config(label).path).parts)


def populate(old) -> dict[str, tuple[str, type, int, dict]]:
    """Rows of each kind through the historical models; returns row name → (model name, model, pk, key fields)."""
    rows = {}

    def add(row, model_name=None, /, **fields):
        model_name = model_name or row
        model = old.get_model(HOMES[model_name][0])
        obj = model.objects.create(**fields)
        rows[row] = (model_name, model, obj.pk, fields)
        return obj

    user = old.get_model("auth", "User").objects.create(username="clerk-before-16", password="!")
    district = add("ServiceCentre", code="330100", name="Old District Hall", level="district")
    town = add("Town", "ServiceCentre", code="330101", name="Old Town Hall", level="town", parent=district)
    department = add("Department", code="D-OLD", name="Old Bureau of Civil Affairs")
    window = add("Window", centre=district, number="7", name="Help desk", department=department, is_help_desk=True)
    helper = add(
        "StaffMember",
        user=user,
        name="Wang Fang",
        kind="full_time_helper",
        centre=district,
        department=department,
        window=window,
    )
    # The chief representative was a typed name: one matches a member of the department's staff, one matches no one.
    # Set outside `add`, whose column check cannot follow the column to its new name.
    old_department = old.get_model("staff", "Department")
    old_department.objects.filter(pk=department.pk).update(chief_representative="Wang Fang")
    unmatched = old_department.objects.create(code="D-OLD-2", name="Old Bureau of Transport")
    old_department.objects.filter(pk=unmatched.pk).update(chief_representative="Zhou Min")
    matter = add("Matter", code="M-OLD-1", main_item="Old-age allowance", department=department, time_limit_days=10)
    request = add(
        "ServiceRequest",
        number="BB-OLD-0001",
        kind="agency",
        status="archived",
        applicant_name="Li Lei",
        matter=matter,
        centre=district,
        origin_centre=town,
        helper=helper,
        lead_department=department,
        lookup_code="OLDCODE1",
        created_by=user,
        deadline=date(2026, 11, 20),
    )
    add("RequestEvent", request=request, actor=user, verb="archived", from_status="delivered", to_status="archived")
    # Before the explicit actors an empty actor meant the system or, for the applicant's own steps, the applicant.
    add("Rated online", "RequestEvent", request=request, actor=None, verb="evaluated", public=True)
    add("Overdue timer", "RequestEvent", request=request, actor=None, verb="overdue")
    complaint = add(
        "Complaint",
        number="TS-OLD-0001",
        lookup_code="OLDCOMP1",
        centre=district,
        source="phone",
        category="attitude",
        content="Kept waiting at window 7",
        request=request,
        staff=helper,
        accept_due=date(2026, 11, 23),
        respond_due=date(2026, 12, 4),
        status="responded",
        response="The clerk apologised; the window now calls numbers aloud.",
    )
    add("Filed online", "ComplaintEvent", complaint=complaint, actor=None, verb="registered", public=True)
    add("Accept timer", "ComplaintEvent", complaint=complaint, actor=None, verb="accept_overdue")
    add("Complaint accepted", "ComplaintEvent", complaint=complaint, actor=user, verb="accepted", public=True)
    add(
        "IntegrityRecord",
        staff=helper,
        request=request,
        kind="gifts",
        occurred_on=date(2026, 11, 2),
        description="Refused a gift of tea",
        recorded_by=user,
    )
    add("MonthlyReport", centre=district, month=date(2026, 10, 1), status="done", progress=100, requested_by=user)
    add("DailyFigure", centre=district, measure="registered", key="", day=date(2026, 11, 2), total=3, accepted=2)
    plan = add(
        "RotationPlan",
        centre=district,
        month=date(2026, 12, 1),
        status="published",
        published_at=datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI),
    )
    add("RotationAssignment", plan=plan, helper=helper, window=window)
    topic = add("Topic", name="Old-age allowance rules")
    add(
        "TrainingSession",
        centre=district,
        kind="weekly",
        topic=topic,
        title="Allowance changes for 2027",
        starts_at=datetime.combine(date(2026, 12, 10), time(14, 0), tzinfo=SHANGHAI),
        trainer_name="Zhao Min",
    )
    return rows


def table_rows(model, columns: list[str]) -> dict:
    """The table's rows by primary key: the given columns' values, read with plain SQL."""
    quote = connection.ops.quote_name
    selected = ", ".join(quote(column) for column in [model._meta.pk.column, *columns])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selected} FROM {quote(model._meta.db_table)}")  # noqa: S608
        return {row[0]: row[1:] for row in cursor.fetchall()}


def in_utc(value):
    # SQLite hands back a stored time without its zone; Django stores every time in UTC.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def column_values(model, fields: dict) -> dict[str, object]:
    # Foreign keys are compared by their stored id.
    values = {}
    for name, value in fields.items():
        field = model._meta.get_field(name)
        values[field.column] = value.pk if field.is_relation and value is not None else value
    return values


@pytest.mark.django_db(transaction=True)
def test_a_populated_database_from_before_issue_16_migrates_forward_with_every_row_intact():
    executor = MigrationExecutor(connection)
    before = [(app, LEAVES_BEFORE_ISSUE_16.get(app)) for app in our_apps(executor)]
    assert set(LEAVES_BEFORE_ISSUE_16) <= {app for app, _leaf in before}
    executor = migrate(before)
    old = executor.loader.project_state([(app, leaf) for app, leaf in before if leaf]).apps

    rows = populate(old)
    old_tables = {
        model._meta.db_table: (model._meta.pk.column, set(table_rows(model, [])))
        for model in old.get_models()
        if model._meta.managed
    }

    migrate(executor.loader.graph.leaf_nodes())
    latest = MigrationExecutor(connection)
    assert not latest.migration_plan(latest.loader.graph.leaf_nodes())

    # No table of the old schema lost a row: each keeps its name and every row its primary key.
    quote = connection.ops.quote_name
    for table, (pk_column, keys) in old_tables.items():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {quote(pk_column)} FROM {quote(table)}")  # noqa: S608
            assert {key for (key,) in cursor.fetchall()} >= keys, table

    for name, (model_name, old_model, pk, fields) in rows.items():
        model = current_model(model_name)
        assert model._meta.db_table == old_model._meta.db_table, name
        expected = column_values(old_model, fields)
        # The key fields, read back by column from the table the model now uses...
        stored = dict(zip(expected, table_rows(model, list(expected))[pk], strict=True))
        assert {column: in_utc(value) for column, value in stored.items()} == expected, name
        # ...and through today's model, under whatever app it now belongs to.
        obj = model.objects.get(pk=pk)
        for column, value in expected.items():
            field = next(f for f in model._meta.concrete_fields if f.column == column)
            assert getattr(obj, field.attname) == value, (name, column)

    departments = current_model("Department").objects.select_related("chief_representative")
    linked = departments.get(pk=rows["Department"][2])
    assert (linked.chief_representative.name, linked.chief_representative_note) == ("Wang Fang", "")
    assert (
        departments.get(code="D-OLD-2").chief_representative,
        departments.get(code="D-OLD-2").chief_representative_note,
    ) == (None, "Zhou Min")
    complaint = current_model("Complaint").objects.get(pk=rows["Complaint"][2])
    assert complaint.request.number == "BB-OLD-0001"
    assert complaint.staff.name == "Wang Fang"
    record = current_model("IntegrityRecord").objects.get(pk=rows["IntegrityRecord"][2])
    assert (record.staff.name, record.request.number) == ("Wang Fang", "BB-OLD-0001")
    report = current_model("MonthlyReport").objects.get(pk=rows["MonthlyReport"][2])
    assert (report.centre.code, report.requested_by.username) == ("330100", "clerk-before-16")
    assert current_model("ServiceRequest").objects.get(number="BB-OLD-0001").events.get(actor__isnull=False).verb == (
        "archived"
    )
    # Who acted is now said, not left to an empty actor: the applicant's own steps, the system's timers, staff.
    kinds = {
        row: current_model(model_name).objects.get(pk=pk).actor_kind
        for row, (model_name, _model, pk, _fields) in rows.items()
        if model_name in ("RequestEvent", "ComplaintEvent")
    }
    assert kinds == {
        "RequestEvent": "staff",
        "Rated online": "citizen",
        "Overdue timer": "system",
        "Filed online": "citizen",
        "Accept timer": "system",
        "Complaint accepted": "staff",
    }
