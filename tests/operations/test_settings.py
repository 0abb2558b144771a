"""Settings read from the environment refuse bad values with an error naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from convention_portal.env import check_secret_key, env_bool, env_list

PROJECT_DIR = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" + "".join(chr(ord("a") + i % 26) for i in range(60))


def load_settings(**env):
    """Import the settings in a fresh interpreter with the given environment; return (exit code, stderr)."""
    clean_env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    clean_env.update(env)
    result = subprocess.run(
        [sys.executable, "-c", "import convention_portal.settings"],
        cwd=PROJECT_DIR,
        env=clean_env,
        capture_output=True,
        text=True,
    )
    return result.returncode, result.stderr


@pytest.mark.parametrize("raw, expected", [("on", True), ("TRUE", True), ("1", True), ("off", False), ("no", False)])
def test_env_bool_accepts_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("DJANGO_DEBUG", raw)
    assert env_bool("DJANGO_DEBUG", default=None) is expected


def test_env_bool_rejects_maybe_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        env_bool("DJANGO_DEBUG", default=True)


def test_env_list_splits_and_strips(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", " a.org, b.org ,,")
    assert env_list("DJANGO_ALLOWED_HOSTS") == ["a.org", "b.org"]


@pytest.mark.parametrize("key", ["", "changeme", "short-key", "django-insecure-" + "x" * 60, "a" * 80])
def test_weak_secret_keys_are_refused(key):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        check_secret_key(key)


def test_strong_secret_key_is_accepted():
    assert check_secret_key(STRONG_KEY) == STRONG_KEY


def test_bad_debug_value_stops_start_up():
    code, stderr = load_settings(DJANGO_DEBUG="maybe")
    assert code != 0
    assert "DJANGO_DEBUG='maybe'" in stderr


def test_missing_secret_with_debug_off_stops_start_up():
    code, stderr = load_settings(DJANGO_DEBUG="off", DJANGO_ALLOWED_HOSTS="portal.example.org")
    assert code != 0
    assert "DJANGO_SECRET_KEY must be set" in stderr


def test_empty_allowed_hosts_with_debug_off_stops_start_up():
    code, stderr = load_settings(DJANGO_DEBUG="off", DJANGO_SECRET_KEY=STRONG_KEY)
    assert code != 0
    assert "DJANGO_ALLOWED_HOSTS" in stderr


def test_complete_production_environment_starts():
    code, stderr = load_settings(
        DJANGO_DEBUG="off", DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_ALLOWED_HOSTS="portal.example.org"
    )
    assert code == 0, stderr


def test_local_default_is_debug_with_sqlite_in_project_folder():
    code, stderr = load_settings()
    assert code == 0, stderr
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from convention_portal import settings as s; print(s.DEBUG, s.DATABASES['default']['NAME'])",
        ],
        cwd=PROJECT_DIR,
        env={key: value for key, value in os.environ.items() if key not in {"DJANGO_DEBUG", "DATABASE_URL"}},
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["True", str(PROJECT_DIR / "db.sqlite3")]


def test_deploy_checks_pass_with_the_documented_production_environment():
    """README "Running in production": `make serve` refuses to start unless this passes."""
    clean_env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    clean_env.update(
        DJANGO_DEBUG="off",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="portal.example.org",
        DJANGO_BEHIND_PROXY="on",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=clean_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
