"""The real processes: `manage.py import_measures` run as a terminal runs it, with its exit status and streams (the
worker killed in the middle of an import: tests/imports/test_worker_killed.py).

The command opens the test's own database (a file on SQLite, tests/conftest.py), whose rows the test commits
(`transaction=True`).
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.support.imports import csv_bytes, good_row
from tests.support.processes import database_url_for_another_process
from tests.support.workflow import ensure_role_groups, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def run_command(database_url, *args):
    return subprocess.run(
        [sys.executable, "manage.py", "import_measures", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url, "DJANGO_LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_exits_with_one_and_the_report_on_stderr_or_zero(reference_data, tmp_path):
    ensure_role_groups()
    make_user("secretariat", "Secretariat reviewers")
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_bytes(csv_bytes([good_row(title="Fine"), good_row(title="Bad", party="XYZ")]))
    good.write_bytes(csv_bytes([good_row(title="Fine")]))
    database_url = database_url_for_another_process()

    refused = run_command(database_url, str(bad))
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.splitlines() == [
        "error: line 3, party: no Party has the code XYZ.",
        "CommandError: 1 row of 2 has errors (1 problem, listed above): nothing was imported.",
    ]
    imported = run_command(database_url, str(good))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("Read 1 row; imported 1 as drafts of secretariat")
    assert imported.stderr == ""
