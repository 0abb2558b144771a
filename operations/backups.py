"""Backups of the database named by `settings.DATABASES["default"]` (from DATABASE_URL), and their restoration.

PostgreSQL: `pg_dump -Fc` to a file, `pg_restore --clean --if-exists --no-owner --single-transaction` back.
SQLite: a consistent copy through sqlite3's online backup API, restored through the same API.
The password reaches pg_dump and pg_restore through PGPASSWORD in their environment, never their command line.

A backup is written to a hidden partial file beside its target and renamed into place only once complete: a
backup that fails (the disk full, pg_dump stopped) leaves no partial file, and the backups made before are never
touched. A full disk (or quota, or file size limit) is said as such, naming the previous backup that is kept.
"""

import datetime
import errno
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection as default_connection
from django.db.backends.postgresql.client import DatabaseClient

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"
EXTENSIONS = {"postgresql": ".dump", "sqlite": ".sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
FORMAT_NAMES = {"postgresql": "a PostgreSQL custom-format dump (pg_dump -Fc)", "sqlite": "a SQLite database"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


class ClientFailed(BackupError):
    """pg_dump or pg_restore ended with an error: its exit status and what it wrote on stderr."""

    def __init__(self, message, returncode, stderr):
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr


#: The errors of a write that found no room: the disk (or the user's quota) full, a file larger than allowed.
NO_ROOM = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up", errno.EFBIG: "file too large"}
SQLITE_FULL = 13


def backup_directory():
    return Path(settings.BASE_DIR) / "backups"


def default_backup_path(vendor, now=None):
    stamp = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%dT%H%M%SZ")
    return backup_directory() / f"portal-{stamp}{EXTENSIONS[vendor]}"


def backup(path=None, connection=default_connection):
    """Write a backup of the database to `path` (default: backups/portal-<UTC time>.<ext>) and return the path."""
    vendor = supported_vendor(connection)
    path = Path(path) if path else default_backup_path(vendor)
    if path.exists():
        raise BackupError(f"{path} already exists; choose another file.")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Written beside the target and renamed at the end, so a failed backup never leaves a partial file.
    partial = path.with_name(f".{path.name}.partial")
    try:
        try:
            if vendor == "postgresql":
                run_postgres_client("pg_dump", connection, ["--format=custom", f"--file={partial}"])
            else:
                copy_sqlite(source=live_sqlite_connection(connection), target_path=partial)
            partial.chmod(0o600)  # the backup holds account password hashes
            partial.replace(path)
        except ClientFailed as error:
            code = client_write_error(error)
            if code is None:
                raise
            raise no_room(path, code, vendor) from error
        except OSError as error:
            if error.errno in NO_ROOM:
                raise no_room(path, error.errno, vendor) from error
            raise BackupError(f"Could not write {path}: {error}") from error
    finally:
        # SQLite's journal too, should its connection have left one.
        for leftover in (partial, partial.with_name(f"{partial.name}-journal")):
            leftover.unlink(missing_ok=True)
    return path


def client_write_error(error):
    """The errno of pg_dump's failure to write its file, if that is why it stopped (else None)."""
    if error.returncode == -signal.SIGXFSZ:  # killed for going beyond the file size limit (ulimit -f)
        return errno.EFBIG
    for code in NO_ROOM:
        if os.strerror(code) in error.stderr:  # "could not write to output file: No space left on device"
            return code
    return None


def previous_backup(directory, vendor, exclude):
    """The newest backup in `directory` but `exclude`, or None."""
    candidates = [
        candidate
        for candidate in directory.glob(f"*{EXTENSIONS[vendor]}")
        if candidate.is_file() and candidate != exclude and not candidate.name.startswith(".")
    ]
    return max(candidates, key=lambda candidate: candidate.stat().st_mtime, default=None)


def no_room(path, code, vendor):
    """The error for a backup that found no room for its file."""
    directory = path.parent
    previous = previous_backup(directory, vendor, exclude=path)
    kept = f"the previous backup, {previous}, is kept" if previous else f"there is no earlier backup in {directory}"
    if code == errno.EFBIG:
        cause = f"The backup grew beyond the largest file allowed in {directory} (the file size limit, ulimit -f)"
    else:
        cause = f"No space left on the disk holding {directory} ({NO_ROOM[code]})"
    return BackupError(
        f"{cause}: {path.name} was not written and no partial file is left; {kept}. "
        "Free some space there (or move old backups elsewhere) and run the backup again."
    )


def restore(path, connection=default_connection):
    """Replace the database's content with the backup in `path`."""
    vendor = supported_vendor(connection)
    path = Path(path)
    check_backup_file(path, vendor)
    if vendor == "postgresql":
        # Our own session must hold no lock on the tables pg_restore drops.
        connection.close()
        run_postgres_client(
            "pg_restore",
            connection,
            ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", str(path)],
        )
    else:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if not source.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'").fetchone():
                raise BackupError(f"{path} is a SQLite database but not a backup of this portal.")
            source.backup(live_sqlite_connection(connection))
        except sqlite3.DatabaseError as error:
            raise BackupError(f"Could not restore {path}: {error}") from error
        finally:
            source.close()


def supported_vendor(connection):
    if connection.vendor not in EXTENSIONS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.display_name}.")
    return connection.vendor


def check_backup_file(path, vendor):
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    with path.open("rb") as backup_file:
        header = backup_file.read(len(SQLITE_HEADER))
    formats = {"postgresql": header.startswith(PG_CUSTOM_HEADER), "sqlite": header == SQLITE_HEADER}
    if formats[vendor]:
        return
    found = next((FORMAT_NAMES[other] for other, matches in formats.items() if matches), "not a backup file")
    raise BackupError(
        f"{path} is {found}, but the database is {VENDOR_NAMES[vendor]}: "
        f"restore needs {FORMAT_NAMES[vendor]} made by `manage.py backup`."
    )


def live_sqlite_connection(connection):
    # Django's own connection, so an in-memory database (the test database) is reachable too.
    connection.ensure_connection()
    return connection.connection


def copy_sqlite(source, target_path):
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", None) == SQLITE_FULL:  # "database or disk is full"
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target_path)) from error
        if beyond_file_size_limit(target_path):  # SQLite says "disk I/O error" for EFBIG
            raise OSError(errno.EFBIG, os.strerror(errno.EFBIG), str(target_path)) from error
        raise BackupError(f"Could not write {target_path}: {error}") from error
    finally:
        target.close()


def beyond_file_size_limit(path, page=64 * 1024):
    """Whether the file at `path` has (nearly) reached this process's file size limit (ulimit -f)."""
    limit, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if limit == resource.RLIM_INFINITY:
        return False
    try:
        return path.stat().st_size + page > limit
    except OSError:
        return False


def run_postgres_client(program, connection, arguments):
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not installed or not on PATH (apt-get install postgresql-client).")
    settings_dict = connection.settings_dict
    _, client_environment = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    command = [executable, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command.append(f"{option}={settings_dict[key]}")
    command.append(f"--dbname={settings_dict['NAME']}")
    command.extend(arguments)
    result = subprocess.run(
        command,
        # Its messages in English, so that a full disk is recognised in them (client_write_error).
        env={**os.environ, **(client_environment or {}), "LC_MESSAGES": "C"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ClientFailed(
            f"{program} failed (exit status {result.returncode}): {result.stderr.strip()}",
            result.returncode,
            result.stderr,
        )
