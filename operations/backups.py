"""Backups of the database named by `settings.DATABASES["default"]` (from DATABASE_URL), and their restoration.

PostgreSQL: `pg_dump -Fc` to a file, `pg_restore --clean --if-exists --no-owner --single-transaction` back.
SQLite: a consistent copy through sqlite3's online backup API, restored through the same API.
The password reaches pg_dump and pg_restore through PGPASSWORD in their environment, never their command line.
"""

import datetime
import os
import shutil
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
        if vendor == "postgresql":
            run_postgres_client("pg_dump", connection, ["--format=custom", f"--file={partial}"])
        else:
            copy_sqlite(source=live_sqlite_connection(connection), target_path=partial)
        partial.chmod(0o600)  # the backup holds account password hashes
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


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
        raise BackupError(f"Could not write {target_path}: {error}") from error
    finally:
        target.close()


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
        env={**os.environ, **(client_environment or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed (exit status {result.returncode}): {result.stderr.strip()}")
