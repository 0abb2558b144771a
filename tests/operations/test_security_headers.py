"""Every page, the API and the admin carry the security headers; no page needs inline code the policy would block."""

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from measures.models import Measure

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parents[2]

EXPECTED_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}

# Script types a browser does not run: data blocks are not subject to script-src.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def parse_policy(header):
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name] = set(sources)
    return directives


def parse_permissions_policy(header):
    return dict(item.strip().split("=", 1) for item in header.split(","))


def assert_security_headers(response):
    policy = response["Content-Security-Policy"]
    assert parse_policy(policy) == EXPECTED_POLICY
    assert "unsafe" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    permissions = parse_permissions_policy(response["Permissions-Policy"])
    assert {"camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"} <= permissions.keys()
    assert set(permissions.values()) == {"()"}


class InlineCodeFinder(HTMLParser):
    """Collects what a policy without 'unsafe-inline' blocks: style attributes and elements, inline scripts,
    event handler attributes and javascript: addresses."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        position = f"line {self.getpos()[0]}"
        if tag == "style":
            self.found.append(f"<style> at {position}")
        script_type = (attributes.get("type") or "").lower()
        if tag == "script" and "src" not in attributes and script_type not in DATA_SCRIPT_TYPES:
            self._in_inline_script = True
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}"> at {position}')
            elif name.startswith("on"):
                self.found.append(f"<{tag} {name}> at {position}")
            elif name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}> at {position}")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.found.append(f"inline <script> at line {self.getpos()[0]}: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def inline_code(html):
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def test_the_inline_code_finder_finds_what_the_policy_blocks():
    html = """<p style="color: red">a</p><style>p {}</style><button onclick="go()">b</button>
    <script>alert(1)</script><script src="/static/ok.js"></script><script type="application/json">{"a": 1}</script>
    <a href="javascript:void(0)">c</a><svg><rect fill="red" width="1" height="1"/></svg>"""
    found = inline_code(html)
    assert len(found) == 5, found
    assert inline_code('<svg><rect fill="red"/></svg><script src="/a.js"></script>') == []


@pytest.fixture
def published_measure(reference_data):
    return Measure.objects.published().first()


def public_paths(measure):
    return [
        "/",
        "/measures/",
        f"/measures/{measure.pk}/",
        "/measures/?goal=1&party=CAN",
        "/parties/",
        "/parties/can/",
        "/reports/",
        "/organizations/",
        "/stats/",
        "/meetings/",
        "/fr/measures/",
        "/es/stats/",
    ]


def assert_headers_and_no_inline_code(client, paths):
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response)
        assert inline_code(response.content.decode()) == [], path


def test_public_pages_carry_the_headers_and_no_inline_code(client, published_measure):
    assert_headers_and_no_inline_code(client, public_paths(published_measure))


def test_a_page_served_from_the_page_cache_carries_the_headers_too(client, published_measure):
    first = client.get("/measures/")
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/measures/")
    page_reads = [query for query in queries if "core_publicchange" not in query["sql"]]
    assert not page_reads, "not from the cache"
    assert second.status_code == 200
    assert second.content == first.content
    assert_security_headers(second)


def test_the_statistics_charts_are_drawn_without_style_attributes(client, published_measure):
    html = client.get("/stats/").content.decode()
    assert html.count("<svg") >= 2
    assert "<rect" in html
    assert inline_code(html) == []


@pytest.mark.parametrize("path", ["/nowhere/", "/fr/measures/999999/", "/parties/zzz/"])
def test_the_not_found_page_carries_the_headers(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert_security_headers(response)
    assert inline_code(response.content.decode()) == []


@pytest.mark.parametrize("path", ["/api/v1/measures/", "/api/v1/parties/can/", "/api/schema/", "/api/docs/"])
def test_the_api_carries_the_headers(client, reference_data, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_security_headers(response)


def test_the_api_docs_page_runs_only_its_own_files_and_loads_nothing_from_elsewhere(client, db):
    html = client.get("/api/docs/").content.decode()
    assert inline_code(html) == []
    assert 'src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"' in html
    assert 'href="/static/css/api_docs.css"' in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert '"validatorUrl": null' in script.content.decode()


def test_the_admin_sign_in_page_carries_the_headers(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert inline_code(response.content.decode()) == []


def admin_paths(measure):
    return [
        "/admin/",
        "/admin/measures/measure/",
        "/admin/measures/measure/?status__exact=published",
        f"/admin/measures/measure/{measure.pk}/change/",
        "/admin/measures/measure/add/",
        f"/admin/measures/measure/{measure.pk}/history/",
        "/admin/measures/measure/import/",
        "/admin/measures/measure/export/",
        "/admin/measures/party/",
        f"/admin/measures/party/{measure.party.pk}/change/",
        "/admin/measures/organisation/add/",
        "/admin/experts/meeting/add/",
        "/admin/accounts/user/add/",
    ]


def test_admin_pages_carry_the_headers_and_no_inline_code(admin_client_logged_in, published_measure):
    assert_headers_and_no_inline_code(admin_client_logged_in, admin_paths(published_measure))


def test_the_import_pages_escape_the_file_and_carry_no_inline_code(admin_client_logged_in, reference_data, monkeypatch):
    from tests.support.imports import job_of, run_worker

    admin_client_logged_in.get("/admin/measures/measure/import/")
    row = 'title,party\n"A <b>bold</b> & new measure\nover two lines",CAN\n'
    response = admin_client_logged_in.post(
        "/admin/measures/measure/import/", {"file": SimpleUploadedFile("<i>measures.csv", row.encode())}
    )
    job = job_of(response)
    run_worker(monkeypatch)
    response = admin_client_logged_in.get(job.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ready to import" in html
    assert "A &lt;b&gt;bold&lt;/b&gt; &amp; new measure" in html
    assert "&lt;i&gt;measures.csv" in html and "<i>measures" not in html
    assert 'href="/static/css/admin_imports.css"' in html
    assert 'src="/static/js/import_progress.js"' in html
    assert_security_headers(response)
    assert inline_code(html) == []


def test_the_export_page_keeps_its_select_all_box_wired_by_a_static_script(admin_client_logged_in, db):
    html = admin_client_logged_in.get("/admin/measures/measure/export/").content.decode()
    assert 'id="select-all-toggle"' in html
    assert 'src="/static/js/admin_export.js"' in html
    assert 'src="/static/import_export/export_selectable_fields.js"' in html


def test_static_files_carry_nosniff(client, db):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"


def test_hsts_on_https_when_configured_and_never_on_plain_http(settings, db):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    client = Client()
    for path in ("/", "/api/v1/measures/", "/admin/login/"):
        secure = client.get(path, secure=True)
        assert secure.status_code == 200, path
        assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert_security_headers(secure)
        assert "Strict-Transport-Security" not in client.get(path)


def settings_in_mode(debug):
    """Read the security settings in a fresh interpreter, as a deployment would with DJANGO_DEBUG=on or off."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG=debug,
        DJANGO_SECRET_KEY="s" + "".join(chr(ord("a") + i % 26) for i in range(60)),
        DJANGO_ALLOWED_HOSTS="portal.example.org",
        DJANGO_SETTINGS_MODULE="convention_portal.settings",
    )
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({name: getattr(s, name, None) "
        "for name in ['CONTENT_SECURITY_POLICY', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_HSTS_PRELOAD', 'SECURE_CONTENT_TYPE_NOSNIFF', 'SECURE_REFERRER_POLICY', 'X_FRAME_OPTIONS', "
        "'MIDDLEWARE']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_production_turns_on_hsts_and_both_modes_enforce_the_same_policy():
    production, development = settings_in_mode("off"), settings_in_mode("on")
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    for mode in (production, development):
        directives = {name: set(sources) for name, sources in mode["CONTENT_SECURITY_POLICY"]["DIRECTIVES"].items()}
        assert directives == EXPECTED_POLICY
        assert "csp.middleware.CSPMiddleware" in mode["MIDDLEWARE"]
        assert "convention_portal.security.PermissionsPolicyMiddleware" in mode["MIDDLEWARE"]
        assert mode["SECURE_CONTENT_TYPE_NOSNIFF"] is True
        assert mode["SECURE_REFERRER_POLICY"] == "same-origin"
        assert mode["X_FRAME_OPTIONS"] == "DENY"
    assert development["SECURE_HSTS_SECONDS"] in (None, 0)
