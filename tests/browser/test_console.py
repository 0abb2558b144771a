"""No public page logs an error in the browser's console: no failed request (the icons included), no uncaught
script error, no Content-Security-Policy violation (the measures list's JSON-LD is data, never run, so the
policy has nothing to block)."""

import pytest

from experts.models import Body, Meeting
from measures.models import Measure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reports each violation to the test as it happens, before any script of the page runs.
VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""

PAGES = [
    "/",
    "/measures/",
    "/measures/?party=CAN&sort=title",
    "/parties/",
    "/parties/can/",
    "/parties/can/reports/2020/",
    "/map/",
    "/stats/",
    "/reports/",
    "/organizations/",
    "/meetings/",
    "/bodies/",
]


def test_no_public_page_logs_a_console_error_or_a_policy_violation(page, live_server, reference_data):
    # Read the database before the browser starts: on SQLite the live server shares the file.
    records = [
        Measure.objects.published().order_by("pk").first().get_absolute_url(),
        Meeting.objects.order_by("pk").first().get_absolute_url(),
        Body.objects.order_by("pk").first().get_absolute_url(),
    ]
    problems = []
    current = {"path": ""}
    page.expose_function("reportCspViolation", lambda text: problems.append(f"{current['path']}: CSP {text}"))
    page.add_init_script(VIOLATION_LISTENER)

    def on_console(message):
        if message.type == "error":
            problems.append(f"{current['path']}: console error: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{current['path']}: script error: {error}"))
    for path in [*PAGES, *records]:
        for prefix in ("", "/fr"):
            current["path"] = f"{prefix}{path}"
            response = page.goto(f"{live_server.url}{prefix}{path}", wait_until="networkidle")
            assert response.status == 200, current["path"]
    assert problems == []


def test_the_browser_finds_the_favicon_at_the_root(page, live_server, db):
    response = page.goto(f"{live_server.url}/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/")
