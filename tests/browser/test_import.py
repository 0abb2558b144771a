"""The secretariat imports a file in a real browser: upload, the page following the worker, the problems by line,
a corrected file, the preview, the confirmation and the result.

The worker runs in this test's thread between steps. The page's clock is Playwright's: its polling fires only
when the test moves the clock on, so the browser stays idle while the worker uses the database (on SQLite the
live server shares this thread's connection).
"""

import pytest
from playwright.sync_api import expect

from accounts import roles
from measures.models import Measure
from tests.browser.accessibility import serious_violations
from tests.support.imports import csv_bytes, many_rows, run_worker
from tests.support.workflow import PASSWORD, ensure_role_groups, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 60


@pytest.fixture
def secretariat(reference_data):
    ensure_role_groups()
    return make_user("secretariat", roles.REVIEWERS, password=PASSWORD)


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def upload(page, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    page.get_by_label("File of measures (CSV or XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()


def let_the_worker_run(page, monkeypatch):
    """The worker does the queued work; then the page's next poll sees the new state and reloads."""
    run_worker(monkeypatch)
    with page.expect_navigation():
        page.clock.run_for(2500)


def test_the_secretariat_uploads_fixes_and_imports_a_file(page, live_server, secretariat, tmp_path, monkeypatch):
    page.clock.install()
    sign_in(page, live_server, "secretariat")
    before = Measure.objects.count()
    page.get_by_role("link", name="Measures", exact=True).click()
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Import measures")).to_be_visible()

    rows = many_rows(ROWS)
    rows[40]["party"] = "XYZ"  # line 42
    upload(page, tmp_path, "archive.csv", csv_bytes(rows))
    expect(page.get_by_role("heading", name="Import of “archive.csv”")).to_be_visible()
    expect(page.locator("[data-import-state]")).to_have_text("Queued")
    expect(page.get_by_role("progressbar")).to_be_visible()

    let_the_worker_run(page, monkeypatch)
    expect(page.locator("[data-import-state]")).to_have_text("Errors found")
    expect(page.get_by_role("heading", name="Nothing can be imported")).to_be_visible()
    expect(page.get_by_text("1 row of 60 has errors")).to_be_visible()
    problem = page.get_by_role("row", name="42")
    expect(problem).to_contain_text("party")
    expect(problem).to_contain_text("no Party has the code XYZ.")
    expect(page.get_by_role("button", name="Import the measures")).to_have_count(0)
    assert serious_violations(page) == []

    page.get_by_role("link", name="Upload a corrected file").click()
    upload(page, tmp_path, "archive-fixed.csv", csv_bytes(many_rows(ROWS)))
    let_the_worker_run(page, monkeypatch)
    expect(page.get_by_role("heading", name="Ready to import")).to_be_visible()
    expect(page.get_by_text("The file’s 60 rows have no error.")).to_be_visible()
    preview = page.get_by_role("table", name="Preview: the first 20 rows")
    expect(preview.get_by_role("row")).to_have_count(21)  # the header and the first 20 rows
    expect(preview).to_contain_text("Row 2: imported measure")
    assert serious_violations(page) == []
    assert Measure.objects.count() == before

    page.get_by_role("button", name="Import the measures").click()
    expect(page.locator("[data-import-state]")).to_have_text("Importing")
    let_the_worker_run(page, monkeypatch)
    expect(page.get_by_role("heading", name="The import is done")).to_be_visible()
    expect(page.get_by_text("60 measures were imported as drafts.")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
    assert Measure.objects.count() == before + ROWS

    page.get_by_role("link", name="See the drafts").click()
    expect(page.get_by_role("link", name="Row 2: imported measure")).to_be_visible()


def test_the_bar_moves_with_the_workers_progress(page, live_server, secretariat, tmp_path, monkeypatch):
    page.clock.install()
    sign_in(page, live_server, "secretariat")
    page.goto(f"{live_server.url}/admin/measures/measure/import/")
    upload(page, tmp_path, "archive.csv", csv_bytes(many_rows(10)))
    job = secretariat.import_jobs.get()
    job.state, job.rows_total = "importing", 4000
    job.save()
    page.reload()
    job.report_progress(1000)
    page.clock.run_for(2500)
    expect(page.get_by_role("status")).to_have_text("1,000 of 4,000 rows")
    expect(page.get_by_role("progressbar")).to_have_js_property("value", 25)
