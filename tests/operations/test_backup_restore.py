"""Backups: what `backup` writes, `restore` brings back exactly, on whichever database DATABASE_URL names.

The round trip runs in real transactions (`transaction=True`): on PostgreSQL pg_dump and pg_restore work in
sessions of their own and only see committed rows.
"""

import datetime
import io
import os
import re
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import PublicChange
from experts.models import Meeting
from measures.models import AreaOfMonitoring, CulturalDomain, Goal, Measure, Organisation, Party
from tests.factories import make_expert, make_measure, make_meeting, make_organisation
from tests.support.workflow import make_user

EXTENSION = {"postgresql": ".dump", "sqlite": ".sqlite3"}


def stored_models():
    """Every table the project and its dependencies keep, many-to-many link tables included."""
    return [
        model for model in apps.get_models(include_auto_created=True) if model._meta.managed and not model._meta.proxy
    ]


def counts():
    return {model._meta.label: model._base_manager.count() for model in stored_models()}


def records():
    return {model._meta.label: list(model._base_manager.order_by("pk").values()) for model in stored_models()}


def links(measure):
    measure = Measure.objects.get(pk=measure.pk)
    return {
        "areas": sorted(measure.areas.values_list("slug", flat=True)),
        "goals": sorted(measure.goals.values_list("number", flat=True)),
        "goals_ticked": sorted(measure.goals_ticked.values_list("number", flat=True)),
        "domains": sorted(measure.domains.values_list("slug", flat=True)),
    }


def run_backup(path):
    out = io.StringIO()
    call_command("backup", output=str(path), stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def portal_content(db):
    """Reference data, synthetic measures, a measure with every kind of link, a meeting, an account."""
    call_command("load_reference_data", stdout=io.StringIO())
    call_command("generate_demo_data", measures=40, seed=5, stdout=io.StringIO())
    measure = make_measure(
        party=Party.objects.get(iso3="CAN"),
        title="Fonds pour la diversité — « musique » & 音楽",
        main_features="Line one.\nLine two, with a tab\there.",
        financial_resources_usd="125000.50",
        period_start=2018,
        period_end=2022,
        status=Measure.Status.PUBLISHED,
    )
    measure.areas.set(AreaOfMonitoring.objects.order_by("pk")[:3])
    measure.goals_ticked.set(Goal.objects.filter(number=4))
    measure.domains.set(CulturalDomain.objects.order_by("pk")[:2])
    meeting = make_meeting(title="Round-trip meeting", start_date=datetime.date(2025, 6, 12))
    meeting.participants.set([make_expert(name="Ana Pérez"), make_expert(name="Kofi Mensah")])
    make_user("backup-editor", organisation=Organisation.objects.get(slug="cdce"))
    return measure


def change_everything(measure):
    """After the backup: edits, deletions and additions across the models."""
    measure.title = "Changed after the backup"
    measure.save()
    measure.areas.clear()
    measure.domains.set(CulturalDomain.objects.order_by("-pk")[:1])
    first_synthetic = Measure.objects.filter(is_synthetic=True).order_by("pk").values_list("pk", flat=True)[:10]
    Measure.objects.filter(pk__in=list(first_synthetic)).delete()
    Meeting.objects.filter(title_en="Round-trip meeting").delete()
    Party.objects.filter(iso3="MEX").update(name_en="Renamed after the backup")
    make_organisation(name="Organisation added after the backup")


@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_every_record_as_it_was(portal_content, tmp_path):
    measure = portal_content
    counts_before, records_before, links_before = counts(), records(), links(measure)
    assert counts_before["measures.Measure"] == 42
    assert counts_before["measures.Measure_areas"] > 0  # link tables are compared like the others
    assert links_before["areas"] and links_before["domains"] and 4 in links_before["goals"]

    path = tmp_path / f"portal{EXTENSION[connection.vendor]}"
    assert run_backup(path) == str(path)
    assert path.stat().st_size > 0

    change_everything(measure)
    assert counts() != counts_before
    assert records() != records_before
    assert links(measure) != links_before

    changed = PublicChange.objects.get()
    call_command("restore", str(path), stdout=io.StringIO())

    assert counts() == counts_before
    records_after = records()
    # The public change row alone moves on: a restore is a public change, and Last-Modified never goes back.
    restored_change = records_after.pop("core.PublicChange")[0]
    assert restored_change["generation"] > changed.generation
    assert restored_change["changed_at"] >= changed.changed_at
    del records_before["core.PublicChange"]
    for label, rows in records_before.items():
        assert records_after[label] == rows, f"{label} differs after the restore"
    assert links(measure) == links_before
    restored = Measure.objects.get(pk=measure.pk)
    assert restored.title == "Fonds pour la diversité — « musique » & 音楽"
    assert str(restored.financial_resources_usd) == "125000.50"
    assert Party.objects.get(iso3="MEX").name_en == "Mexico"
    assert list(
        Meeting.objects.get(title_en="Round-trip meeting").participants.order_by("name").values_list("name", flat=True)
    ) == ["Ana Pérez", "Kofi Mensah"]

    # Sequences came back in step with the rows: a new record takes a fresh key.
    added = make_measure(party=restored.party)
    assert added.pk > max(row["id"] for row in records_before["measures.Measure"])


@pytest.mark.django_db(transaction=True)
def test_backup_without_a_file_name_goes_under_backups_with_a_utc_time(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    out = io.StringIO()
    call_command("backup", stdout=out)
    printed = out.getvalue().strip()
    assert re.fullmatch(
        re.escape(str(tmp_path / "backups")) + r"/portal-\d{8}T\d{6}Z" + re.escape(EXTENSION[connection.vendor]),
        printed,
    )
    assert os.path.getsize(printed) > 0
    assert oct(os.stat(printed).st_mode & 0o777) == "0o600"


@pytest.mark.django_db(transaction=True)
def test_backup_never_overwrites_a_file(tmp_path):
    path = tmp_path / f"existing{EXTENSION[connection.vendor]}"
    path.write_bytes(b"earlier backup")
    with pytest.raises(CommandError, match="already exists"):
        run_backup(path)
    assert path.read_bytes() == b"earlier backup"


def test_restoring_a_missing_file_is_a_clear_error_without_a_traceback(tmp_path):
    missing = tmp_path / "no-such-backup.dump"
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(missing)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"No backup file at {missing}" in result.stderr
    assert "Traceback" not in result.stderr


OTHER_FORMAT = {
    "postgresql": (b"SQLite format 3\x00" + bytes(100), "a SQLite database"),
    "sqlite": (b"PGDMP\x01\x0e\x00" + bytes(100), "a PostgreSQL custom-format dump"),
}
EXPECTED_FORMAT = {"postgresql": "a PostgreSQL custom-format dump", "sqlite": "a SQLite database"}


def assert_restore_refused(path, found):
    parties = Party.objects.count()
    expected = EXPECTED_FORMAT[connection.vendor]
    with pytest.raises(
        CommandError, match=rf"is {re.escape(found)}.*, but the database is \w+: restore needs {re.escape(expected)}"
    ):
        call_command("restore", str(path))
    assert Party.objects.count() == parties


@pytest.mark.django_db
def test_restoring_the_other_databases_backup_is_refused_before_touching_the_database(reference_data, tmp_path):
    content, found = OTHER_FORMAT[connection.vendor]
    path = tmp_path / "other-database.backup"
    path.write_bytes(content)
    assert_restore_refused(path, found)


@pytest.mark.django_db
def test_restoring_a_file_that_is_no_backup_is_refused(reference_data, tmp_path):
    path = tmp_path / "dump.sql"
    path.write_text("-- plain SQL\nCREATE TABLE t ();\n")
    assert_restore_refused(path, "not a backup file")


@pytest.mark.django_db(transaction=True)
def test_backup_without_pg_dump_says_so(monkeypatch, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite backups need no external program")
    monkeypatch.setenv("PATH", str(tmp_path))
    path = tmp_path / "portal.dump"
    with pytest.raises(CommandError, match="pg_dump is not installed"):
        run_backup(path)
    assert list(tmp_path.iterdir()) == []
