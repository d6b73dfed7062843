"""The backup of docs/operations.md works: a custom-format pg_dump of a database holding a registered request
restores with pg_restore into an empty database with every row the same, and the media archive unpacks to the
same files. (PostgreSQL only; the restored database is dropped afterwards.)"""

import os
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from requests.services import matter_save, request_register
from staff.roles import Role
from tests.conftest import make_staff_user, missing_service
from tests.factories import (
    DepartmentFactory,
    MatterFactory,
    RequiredMaterialFactory,
    registration_input,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TABLES = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name
"""


def client_args(settings_dict) -> tuple[list[str], dict[str, str]]:
    args = ["--host", settings_dict["HOST"] or "127.0.0.1", "--port", str(settings_dict["PORT"] or 5432)]
    args += ["--username", settings_dict["USER"] or "postgres"]
    env = {**os.environ, "PGPASSWORD": settings_dict["PASSWORD"] or ""}
    return args, env


def connect(settings_dict, dbname):
    return psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"] or "postgres",
        password=settings_dict["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def fingerprint(conn) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of every table (rows sorted by their text form)."""
    out = {}
    for (table,) in conn.execute(TABLES).fetchall():
        out[table] = conn.execute(
            f"SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \"{table}\" t"
        ).fetchone()
    return out


@pytest.fixture
def registered(hall):
    desk = make_staff_user(role=Role.FRONT_DESK, centre=hall["district"], username="desk", name="王帮办")
    matter = matter_save(
        matter=MatterFactory.build(code="BDC-001", main_item="不动产登记", department=DepartmentFactory(code="BDC"))
    )
    RequiredMaterialFactory(matter=matter, position=1, name="身份证明")
    return request_register(
        actor=desk,
        data=registration_input(matter, applicant_address="新华区建设路 1 号", provided_material_ids=[]),
    )


def test_a_dump_restores_into_an_empty_database_with_the_same_rows(require_postgres, registered, tmp_path):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        missing_service("pg_dump/pg_restore are not installed")
    source = connection.settings_dict
    args, env = client_args(source)
    dump = tmp_path / "hall.dump"
    subprocess.run(
        ["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}", source["NAME"]],
        env=env,
        check=True,
        timeout=120,
    )
    target = f"restore_{uuid.uuid4().hex[:12]}"
    with connect(source, "postgres") as admin:
        admin.execute(f"CREATE DATABASE \"{target}\" TEMPLATE template0 ENCODING 'UTF8'")
    try:
        subprocess.run(
            ["pg_restore", *args, "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={target}", str(dump)],
            env=env,
            check=True,
            timeout=120,
        )
        with connect(source, source["NAME"]) as live, connect(source, target) as restored:
            before, after = fingerprint(live), fingerprint(restored)
            number = restored.execute(
                "SELECT number FROM requests_servicerequest WHERE id = %s", [registered.pk]
            ).fetchone()
    finally:
        with connect(source, "postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
    assert after == before
    assert before["requests_servicerequest"][0] == 1 and before["requests_requestevent"][0] >= 1
    assert number == (registered.number,)


def test_the_media_archive_unpacks_to_the_same_files(tmp_path):
    media = tmp_path / "media"
    (media / "documents" / "2026").mkdir(parents=True)
    (media / "documents" / "2026" / "acceptance-v1.pdf").write_bytes(b"%PDF-1.7 form")
    (media / "training").mkdir()
    (media / "training" / "讲义.pdf").write_bytes(b"%PDF-1.7 handout")
    archive = tmp_path / "media.tar.gz"
    subprocess.run(["tar", "-C", str(media), "-czf", str(archive), "."], check=True, timeout=60)
    restored = tmp_path / "restored"
    restored.mkdir()
    subprocess.run(["tar", "-C", str(restored), "-xzf", str(archive)], check=True, timeout=60)

    def files(root):
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert files(restored) == files(media)
