"""The public pages, the admin and the API documentation work in a real browser under the Content-Security-Policy,
without a single violation."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from measures.models import Measure, Organisation, Partner, Party
from tests.factories import make_measure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE_IMPORT = Path(__file__).resolve().parents[2] / "measures" / "data" / "sample_import.csv"

# Runs before any script of every page the tab opens, and hands each violation to the test at once, so that a
# violation just before a navigation is not lost with the page.
VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"} `
    + `at ${event.sourceFile || document.location.href}:${event.lineNumber}`
  );
});
"""


class PolicyWatch:
    """What a tab reports: policy violations (event and console), header errors and uncaught script errors."""

    def __init__(self, page):
        self.violations = []
        self.console = []
        self.script_errors = []
        page.expose_function("reportCspViolation", self._on_violation)
        page.add_init_script(VIOLATION_LISTENER)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))

    def _on_violation(self, description):
        self.violations.append(description)

    def _on_console(self, message):
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            self.console.append(message.text)

    def assert_clean(self):
        assert self.violations == []
        assert self.console == []
        assert self.script_errors == []


@pytest.fixture
def watched(page):
    watch = PolicyWatch(page)
    yield page, watch


@pytest.fixture
def published_measures(reference_data):
    canada = Party.objects.get(iso3="CAN")
    for number in range(25):
        make_measure(party=canada, status=Measure.Status.PUBLISHED, title=f"Kestrelworth cultural fund {number:02d}")
    return Measure.objects.published()


def test_the_watch_sees_inline_style_and_script_the_policy_blocks(watched, live_server, db):
    page, watch = watched
    page.goto(f"{live_server.url}/")
    page.evaluate(
        """() => {
        document.querySelector("main").setAttribute("style", "color: red");
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.body.append(script);
    }"""
    )
    expect(page.locator("main")).to_have_attribute("style", "color: red")
    assert page.evaluate("window.inlineRan") is None
    for _ in range(100):  # the reports arrive asynchronously
        if len(watch.violations) >= 2 and len(watch.console) >= 2:
            break
        page.wait_for_timeout(50)
    directives = sorted(violation.split()[0] for violation in watch.violations)
    assert directives == ["script-src-elem", "style-src-attr"]
    assert len(watch.console) == 2
    assert page.locator("main").evaluate("node => getComputedStyle(node).color") != "rgb(255, 0, 0)"


def test_public_pages_filter_page_and_switch_language_under_the_policy(watched, live_server, published_measures):
    page, watch = watched
    page.goto(f"{live_server.url}/")
    page.get_by_role("searchbox", name="Search the measures").fill("Kestrelworth")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/measures/\?q=Kestrelworth"))
    expect(page.locator("#results-heading")).to_have_text("25 measures")

    page.goto(f"{live_server.url}/measures/")
    page.get_by_role("checkbox", name=re.compile(r"^Canada \(")).check()
    page.get_by_role("button", name="Apply filters").first.click()
    expect(page).to_have_url(re.compile(r"party=CAN"))
    expect(page.locator("#results-heading")).to_have_text("26 measures")
    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".results-list > li")).to_have_count(6)
    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/measures/\?.*party=CAN"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".results-list > li")).to_have_count(6)
    # The portal's stylesheet applies: the header has the brand colour, not the browser's default.
    assert page.locator(".site-header").evaluate("node => getComputedStyle(node).backgroundColor") == "rgb(11, 79, 138)"

    page.locator(".results-list a").first.click()
    expect(page).to_have_url(re.compile(r"/fr/measures/\d+/$"))
    expect(page.locator("h1")).to_be_visible()

    for path in ("/parties/", "/parties/can/", "/reports/", "/organizations/", "/meetings/", "/es/measures/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_be_visible()

    page.goto(f"{live_server.url}/stats/?party=CAN")
    bar = page.locator(".dir-chart__bar").first
    expect(bar).to_be_visible()
    assert bar.evaluate("node => getComputedStyle(node).fill") == "rgb(11, 79, 138)"

    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    expect(page.locator("h1")).to_be_visible()
    watch.assert_clean()


def test_the_admin_works_under_the_policy(watched, live_server, reference_data, superuser):
    page, watch = watched
    # Read the database only while the browser is idle: on SQLite the live server shares this test's connection.
    measure = Measure.objects.get(organisation__slug="cdce")
    partners_before = measure.partners.count()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Measures", exact=True)).to_be_visible()

    # Changelist: the actions bar counts the selected rows (admin's actions.js).
    page.get_by_role("link", name="Measures", exact=True).click()
    page.locator("#result_list tbody input.action-select").first.check()
    expect(page.locator(".action-counter")).to_contain_text("1 of")

    # Change form: the counters and autocomplete names built by our scripts, an autocomplete and a new inline row.
    page.get_by_role("link", name=re.compile(r"^Provided support to other coalitions")).click()
    expect(page.locator("#id_title_count")).to_contain_text("of 500 characters")
    expect(page.locator("input[name=areas]").first).to_be_visible()
    rows = page.locator("#partners-group tbody tr.form-row:not(.empty-form)")
    rows_before = rows.count()
    page.locator("#partners-group").get_by_role("button", name=re.compile("Add another")).click()
    expect(rows).to_have_count(rows_before + 1)
    new_row = rows.last
    new_row.locator("input[name$='-name']").fill("International Federation of Coalitions")
    new_row.locator("select[name$='-entity_type']").select_option("civil_society")
    new_row.locator(".field-organisation .select2-selection").click()
    page.locator(".select2-search__field").fill("IFCCD")
    page.get_by_role("option", name=re.compile("IFCCD")).click()
    expect(new_row.locator(".field-organisation .select2-selection__rendered")).to_contain_text("IFCCD")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")
    page.wait_for_load_state("networkidle")
    assert measure.partners.count() == partners_before + 1
    partner = Partner.objects.get(measure=measure, name="International Federation of Coalitions")
    assert partner.organisation == Organisation.objects.get(slug="ifccd")

    page.get_by_role("link", name="History").click()
    expect(page.locator("#change-history")).to_be_visible()

    # Import: the upload answers with the job's page, whose script (static/js/import_progress.js) follows the job.
    page.goto(f"{live_server.url}/admin/measures/measure/import/")
    page.get_by_label("File of measures (CSV or XLSX)").set_input_files(SAMPLE_IMPORT)
    with page.expect_response(re.compile(r"/progress\.json$")) as progress:
        page.get_by_role("button", name="Upload and check").click()
    assert progress.value.status == 200
    expect(page.locator("[data-import-state]")).to_have_text("Queued")

    # Export: "Select all" clears and ticks every field box (wired by static/js/admin_export.js).
    page.goto(f"{live_server.url}/admin/measures/measure/export/")
    fields = page.locator(".selectable-field-export-row input[type=checkbox]")
    assert fields.count() > 5
    page.get_by_label("Select all").uncheck()
    expect(page.locator(".selectable-field-export-row input[type=checkbox]:checked")).to_have_count(0)
    page.get_by_label("Select all").check()
    expect(page.locator(".selectable-field-export-row input[type=checkbox]:checked")).to_have_count(fields.count())
    watch.assert_clean()


def test_the_api_documentation_renders_and_runs_a_request_under_the_policy(watched, live_server, reference_data):
    page, watch = watched
    page.goto(f"{live_server.url}/api/docs/")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() > 10
    measures_list = page.locator("#operations-v1-v1_measures_list")
    expect(measures_list.locator(".opblock-summary-path")).to_have_text("/api/v1/measures/")
    measures_list.locator(".opblock-summary").click()
    measures_list.get_by_role("button", name="Try it out").click()
    measures_list.get_by_role("button", name="Execute").click()
    expect(measures_list.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    watch.assert_clean()
