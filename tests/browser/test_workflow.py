"""The whole review flow, clicked through in a real browser: create, submit, return, fix, resubmit, publish."""

import re

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from accounts import roles
from accounts.models import Membership
from measures.models import Measure, Organisation, Party
from tests.support.workflow import PASSWORD, ensure_role_groups, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Workshops on the discoverability of local music online"


@pytest.fixture
def accounts(reference_data):
    ensure_role_groups()
    editor = make_user("cdce-editor", roles.EDITORS, password=PASSWORD)
    Membership.objects.create(user=editor, organisation=Organisation.objects.get(slug="cdce"))
    make_user("secretariat", roles.REVIEWERS, password=PASSWORD)


def sign_in(browser, live_server, username):
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def expect_message(page, text):
    expect(page.locator("ul.messagelist")).to_contain_text(text)


def test_a_measure_goes_from_the_editor_through_review_to_the_public(browser, live_server, accounts):
    # The CDCE editor creates a measure: reported by civil society for CDCE, without choosing either.
    editor = sign_in(browser, live_server, "cdce-editor")
    editor.get_by_role("link", name="Measures", exact=True).click()
    editor.get_by_role("link", name=re.compile("Add measure")).click()
    expect(editor.locator(".field-organisation .readonly")).to_have_text(
        "Coalition for the Diversity of Cultural Expressions (CDCE)"
    )
    editor.get_by_label("Title").fill(TITLE)
    editor.locator(".field-party .select2-selection").click()
    editor.locator(".select2-search__field").fill("Canada")
    editor.get_by_role("option", name="Canada", exact=True).click()
    editor.get_by_label("Describe the main features of the measure/initiative").fill("A series of workshops.")
    editor.get_by_role("button", name="Save and continue editing").click()
    expect_message(editor, "was added successfully")
    measure = Measure.objects.get(title=TITLE)
    assert (measure.organisation.slug, measure.reported_by, measure.status) == ("cdce", "civil_society", "draft")

    editor.get_by_role("button", name="Submit for review").click()
    expect_message(editor, "was submitted for review")
    expect(editor.locator("[data-status]")).to_have_text("Submitted")
    expect(editor.get_by_label("Title")).to_have_count(0)

    # The secretariat sees it waiting and returns it with a comment.
    reviewer = sign_in(browser, live_server, "secretariat")
    reviewer.get_by_role("link", name="1 measure waits for review").click()
    reviewer.get_by_role("link", name=TITLE).click()
    reviewer.get_by_role("button", name="Return to the editors").click()
    expect(reviewer.get_by_text("Please write a comment: the editors need to know why.")).to_be_visible()
    reviewer.get_by_label("Comment for the editors").fill("Please describe the results achieved so far.")
    reviewer.get_by_role("button", name="Return to the editors").click()
    expect_message(reviewer, "was returned to its editors")

    # The editor finds it first on the index, reads the comment beside the form, fixes and resubmits.
    editor.goto(f"{live_server.url}/admin/")
    returned = editor.get_by_role("region", name="Your measures")
    expect(returned.get_by_role("heading", name="Returned to you for changes")).to_be_visible()
    returned.get_by_role("link", name=TITLE).click()
    expect(editor.get_by_role("note")).to_contain_text("Please describe the results achieved so far.")
    editor.get_by_label(re.compile("What are the results achieved so far")).fill("Forty artists trained.")
    editor.get_by_role("button", name="Save and continue editing").click()
    expect_message(editor, "was changed successfully")
    editor.get_by_role("button", name="Submit for review").click()
    expect_message(editor, "was submitted for review")

    # The secretariat publishes it.
    reviewer.goto(f"{live_server.url}/admin/")
    reviewer.get_by_role("link", name="1 measure waits for review").click()
    reviewer.get_by_role("link", name=TITLE).click()
    expect(reviewer.locator(".field-results")).to_contain_text("Forty artists trained.")
    reviewer.get_by_role("button", name="Publish").click()
    expect_message(reviewer, "was published")
    expect(reviewer.get_by_role("table", name="Review history").locator("tbody tr")).to_have_count(4)

    # Anyone can now read it.
    visitor = browser.new_context().new_page()
    visitor.goto(f"{live_server.url}/measures/{measure.pk}/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_text("Forty artists trained.")).to_be_visible()
    try:
        measure_list = reverse("measures:measure-list")
    except NoReverseMatch:
        measure_list = None
    if measure_list:
        visitor.goto(f"{live_server.url}{measure_list}?q=discoverability")
        visitor.get_by_role("link", name=TITLE).first.click()
        expect(visitor).to_have_url(re.compile(f"/measures/{measure.pk}/$"))
    assert Party.objects.get(iso3="CAN").measures.published().filter(pk=measure.pk).exists()
