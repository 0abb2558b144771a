"""`manage.py backup` on a full disk: a clear error, exit status 1, no partial file, the previous backup untouched.

The disk is really full: a 32 MiB tmpfs mounted for the test (root only; skipped where mounting is not allowed),
holding a real previous backup and a file filling the rest. A second test sets a file size limit on the command's
process instead (RLIMIT_FSIZE, as `ulimit -f` does), which runs anywhere. The command runs as a process of its own,
on the test's database (committed rows: `transaction=True`), on SQLite as on PostgreSQL (pg_dump).
"""

import hashlib
import os
import resource
import shutil
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection

from tests.support.processes import database_url_for_another_process

pytestmark = pytest.mark.django_db(transaction=True)

EXTENSION = {"postgresql": ".dump", "sqlite": ".sqlite3"}


def run_backup(output, file_size_limit=None):
    def limit_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(
        [sys.executable, "manage.py", "backup", "--output", str(output)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url_for_another_process(), "DJANGO_LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_file_size if file_size_limit else None,
    )


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def names(directory):
    return sorted(path.name for path in directory.iterdir())


@pytest.fixture
def small_disk(tmp_path):
    """A 32 MiB filesystem of the test's own (tmpfs), unmounted afterwards."""
    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=32m,mode=0700", f"portal-test-{uuid.uuid4().hex[:8]}", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); the file size limit test covers it")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def fill(directory):
    """Fill the filesystem holding `directory` up to its last byte; the filler file."""
    filler = directory / "filler"
    with filler.open("wb", buffering=0) as handle:
        for chunk in (1024 * 1024, 4096, 1):
            try:
                while True:
                    handle.write(b"\0" * chunk)
            except OSError:
                pass
    return filler


def test_a_full_disk_gives_a_clear_error_and_keeps_the_previous_backup(reference_data, small_disk):
    extension = EXTENSION[connection.vendor]
    previous = small_disk / f"portal-20260101T000000Z{extension}"
    made = run_backup(previous)
    assert made.returncode == 0, made.stderr
    kept = digest(previous)
    filler = fill(small_disk)
    before = names(small_disk)

    target = small_disk / f"portal-20260102T000000Z{extension}"
    failed = run_backup(target)

    assert failed.returncode == 1
    assert failed.stdout == ""
    assert f"No space left on the disk holding {small_disk} (the disk is full)" in failed.stderr
    assert f"{target.name} was not written and no partial file is left" in failed.stderr
    assert f"the previous backup, {previous}, is kept" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert names(small_disk) == before, "no partial file left"
    assert digest(previous) == kept

    filler.unlink()  # room again: the same backup goes through
    again = run_backup(target)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == str(target)
    assert names(small_disk) == sorted([previous.name, target.name])
    assert digest(previous) == kept


def test_a_file_size_limit_gives_a_clear_error_too(reference_data, tmp_path):
    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    extension = EXTENSION[connection.vendor]
    previous = tmp_path / f"portal-20260101T000000Z{extension}"
    assert run_backup(previous).returncode == 0
    kept = digest(previous)
    target = tmp_path / f"portal-20260102T000000Z{extension}"

    failed = run_backup(target, file_size_limit=16 * 1024)

    assert failed.returncode == 1
    assert f"The backup grew beyond the largest file allowed in {tmp_path}" in failed.stderr
    assert f"the previous backup, {previous}, is kept" in failed.stderr
    assert names(tmp_path) == [previous.name]
    assert digest(previous) == kept
