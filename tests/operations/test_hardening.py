"""What a load balancer or an attacker notices first: /healthz under HEAD, too many query parameters, and an
X-Forwarded-For trusted on an address anyone may reach."""

import logging
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import override_settings

from convention_portal.client_address import exposed_listeners, is_nearby_address, proxy_bind_warning
from convention_portal.field_limits import field_count

PROJECT_DIR = Path(__file__).resolve().parents[2]


# /healthz answers HEAD as GET


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "head"])
def test_healthz_answers_get_and_head_with_200_when_the_database_answers(client, method):
    response = getattr(client, method)("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", ["get", "head"])
def test_healthz_answers_get_and_head_with_503_when_the_database_does_not(client, unreachable_database, method):
    assert getattr(client, method)("/healthz").status_code == 503


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_still_refuses_other_methods(client, method):
    assert getattr(client, method)("/healthz").status_code == 405


# Too many fields: the portal's 400 page, with debug on as with debug off

LIMIT = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


def fields(count):
    return urlencode([(f"p{number}", "x") for number in range(count)])


def assert_portal_bad_request_page(response, path):
    """The portal's 400 page (templates/400.html), never Django's error page."""
    assert response.status_code == 400
    assert b"Request not understood" in response.content and b"<main" in response.content
    assert b"Traceback" not in response.content
    assert b"DATA_UPLOAD_MAX_NUMBER_FIELDS" not in response.content


def test_the_field_count_is_the_one_django_refuses_at():
    assert LIMIT == 1000
    assert field_count("") == 0
    assert field_count("a=1") == 1
    assert field_count(fields(LIMIT)) == LIMIT
    assert field_count(fields(LIMIT + 1).encode()) == LIMIT + 1
    assert field_count("&&") == 3  # as Python's parse_qsl counts them, empty fields included


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_too_many_query_parameters_get_the_portal_400_page(client, caplog, debug):
    with override_settings(DEBUG=debug):
        response = client.get(f"/measures/?{fields(LIMIT + 1)}")
    assert_portal_bad_request_page(response, "/measures/")
    assert [record.levelno for record in caplog.records if record.name == "django.security.TooManyFieldsSent"] == [
        logging.ERROR
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_as_many_query_parameters_as_allowed_still_work(client, debug):
    with override_settings(DEBUG=debug):
        response = client.get(f"/measures/?{fields(LIMIT)}")
    assert response.status_code == 200
    assert b"Measures" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_a_form_with_too_many_fields_gets_the_portal_400_page(client, debug):
    with override_settings(DEBUG=debug):
        response = client.post("/alerts/new/", fields(LIMIT + 1), content_type="application/x-www-form-urlencoded")
    assert_portal_bad_request_page(response, "/alerts/new/")


@pytest.mark.django_db
def test_a_form_with_as_many_fields_as_allowed_is_read(client):
    body = fields(LIMIT - 1) + "&email=not-an-address"
    response = client.post("/alerts/new/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200  # the form again, with its errors
    assert response.context["form"].data["email"] == "not-an-address"


# DJANGO_BEHIND_PROXY on an address anyone may reach


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.254",
        "192.168.1.20",
        "fd12:3456::1",
        "fe80::1",
        "fe80::1%lo",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.5",
    ],
)
def test_loopback_and_private_addresses_are_nearby(host):
    assert is_nearby_address(host)


@pytest.mark.parametrize(
    "host",
    [
        "0.0.0.0",
        "::",
        "::ffff:0.0.0.0",
        "8.8.8.8",
        "172.32.0.1",
        "100.64.0.1",
        "2001:4860:4860::8888",
        "example.org",
        "",
    ],
)
def test_public_addresses_and_all_interfaces_are_not(host):
    assert not is_nearby_address(host)


class FakeListener:
    """What the check reads of a gunicorn listener: its family and the address it is bound to."""

    def __init__(self, family, address):
        self.family = family
        self.address = address

    def getsockname(self):
        return self.address


def test_exposed_listeners_names_only_tcp_sockets_beyond_loopback_and_private_networks(tmp_path):
    unix = socket.socket(socket.AF_UNIX)
    loopback = socket.socket(socket.AF_INET)
    everywhere = socket.socket(socket.AF_INET)
    try:
        unix.bind(str(tmp_path / "portal.sock"))
        loopback.bind(("127.0.0.1", 0))
        everywhere.bind(("0.0.0.0", 0))
        ipv6_any = FakeListener(socket.AF_INET6, ("::", 8000, 0, 0))
        ipv6_private = FakeListener(socket.AF_INET6, ("fd00::8", 8000, 0, 0))
        listeners = [unix, loopback, everywhere, ipv6_any, ipv6_private]
        assert exposed_listeners(listeners) == [f"0.0.0.0:{everywhere.getsockname()[1]}", "[::]:8000"]
        assert exposed_listeners([unix, loopback, ipv6_private]) == []
    finally:
        for sock in (unix, loopback, everywhere):
            sock.close()


def test_the_warning_is_only_for_a_proxy_setup_on_an_exposed_address():
    exposed = [FakeListener(socket.AF_INET, ("0.0.0.0", 8000))]
    nearby = [FakeListener(socket.AF_INET, ("10.0.0.2", 8000)), FakeListener(socket.AF_UNIX, "/run/portal.sock")]
    warning = proxy_bind_warning(exposed, behind_proxy=True)
    assert "0.0.0.0:8000" in warning and "X-Forwarded-For" in warning
    assert proxy_bind_warning(exposed, behind_proxy=False) is None
    assert proxy_bind_warning(nearby, behind_proxy=True) is None


def free_port(host):
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def gunicorn_start_log(host, tmp_path, seconds=30):
    """Start gunicorn as `make serve` does (with gunicorn.conf.py, debug off, DJANGO_BEHIND_PROXY=on) on `host`,
    wait until its first worker boots (after the start-up hooks), stop it and return its log."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="convention_portal.settings",
        DJANGO_DEBUG="off",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_BEHIND_PROXY="on",
        # No request is sent: the database is never opened.
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    )
    log_path = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "convention_portal.wsgi"]
    command += ["--bind", f"{host}:{free_port(host)}", "--workers", "1", "--error-logfile", "-"]
    # gunicorn 27's control socket has one default path per user: leave it to servers really running here.
    command += ["--no-control-socket"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + seconds
        while "Booting worker" not in log_path.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, log_path.read_text()
            time.sleep(0.1)
        assert "Booting worker" in log_path.read_text(), log_path.read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)
    return log_path.read_text()


def test_gunicorn_behind_a_proxy_warns_at_start_up_when_listening_on_all_interfaces(tmp_path):
    log = gunicorn_start_log("0.0.0.0", tmp_path)
    warning = next(line for line in log.splitlines() if "DJANGO_BEHIND_PROXY" in line)
    assert "[WARNING]" in warning
    assert "0.0.0.0:" in warning


def test_gunicorn_behind_a_proxy_on_loopback_starts_without_warning(tmp_path):
    log = gunicorn_start_log("127.0.0.1", tmp_path)
    assert "Listening at: http://127.0.0.1:" in log
    assert "DJANGO_BEHIND_PROXY" not in log


@pytest.mark.parametrize("debug", [True, False])
def test_the_bad_request_page_is_the_portals_in_its_language(client, db, debug):
    with override_settings(DEBUG=debug):
        page = client.get(f"/fr/measures/?{fields(LIMIT + 1)}")
        api = client.get(f"/api/v1/measures/?{fields(LIMIT + 1)}")
    assert page.status_code == 400
    assert 'lang="fr"' in page.text and "<main" in page.text
    assert api.status_code == 400 and api.json() == {"detail": "Bad request."}
