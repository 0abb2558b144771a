"""The measures list's filters with scripts (static/js/filters.js) and without: an option applies as it is ticked
and focus comes back to the result count, the filters fold under a toggle on a phone, long lists can be narrowed
by typing, and the address keeps only the filters in use."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import serious_violations
from tests.browser.listing import catalogue_with_a_long_list, result_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def catalogue(db):
    return catalogue_with_a_long_list()


def focused_id(page):
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def parameters(url):
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def test_ticking_an_option_updates_the_results_and_focus_lands_on_the_count(page, live_server, catalogue):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/measures/")
    assert result_count(page) == "31 measures"
    assert page.get_by_text("The results change as soon as you tick an option.").is_visible()

    # click(), not check(): check() would wait to see the box ticked, and the page it loads has replaced it.
    with page.expect_navigation():
        page.get_by_role("checkbox", name=re.compile(r"^Canada \(")).click()
    assert result_count(page) == "27 measures"
    assert focused_id(page) == "results-heading"
    # Only the filter in use, and the fragment that carried the focus is gone from the address to share.
    assert page.url == f"{live_server.url}/measures/?party=CAN"

    # By keyboard: Space ticks the box, and the next Tab goes on into the results, not from the top of the page.
    page.get_by_role("checkbox", name=re.compile(r"^Youth \(")).focus()
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert result_count(page) == "1 measure"
    assert focused_id(page) == "results-heading"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.results') !== null")
    assert parameters(page.url) == [("party", "CAN"), ("youth", "true")]


def test_text_fields_apply_on_enter_and_the_address_has_no_empty_parameters(page, live_server, catalogue):
    page.goto(f"{live_server.url}/measures/")
    page.get_by_label("From year").fill("2020")
    page.get_by_label("To year").focus()  # leaving the field does not reload the page
    assert page.url == f"{live_server.url}/measures/"
    page.get_by_label("To year").fill("2021")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/measures/?year_from=2020&year_to=2021"
    assert focused_id(page) == "results-heading"

    page.get_by_role("searchbox", name="Search the measures").fill("Guanajuato")
    page.get_by_label("From year").fill("")
    page.get_by_label("To year").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").first.click()
    assert page.url == f"{live_server.url}/measures/?q=Guanajuato"
    assert result_count(page) == "1 measure"

    # Every link the page builds keeps to the filters in use.
    hrefs = page.eval_on_selector_all("a[href*='?']", "links => links.map(link => link.href)")
    assert hrefs
    for href in hrefs:
        assert all(value for _name, value in parameters(href)), href


def test_without_scripts_the_button_applies_and_old_addresses_lose_their_empty_parameters(
    browser, live_server, catalogue
):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/measures/?q=&party=CAN&year_from=&year_to=")
        assert page.url == f"{live_server.url}/measures/?party=CAN"
        # The filters are open, the Party box is left out and nothing applies before the button.
        assert page.locator("#id_q").is_visible()
        assert not page.locator("#facet-search-party").is_visible()
        assert not page.get_by_text("The results change as soon as you tick an option.").is_visible()
        page.get_by_role("checkbox", name=re.compile(r"^Youth \(")).check()
        assert page.url == f"{live_server.url}/measures/?party=CAN"
        page.get_by_role("button", name="Apply filters").first.click()
        page.wait_for_url(re.compile(r"youth=true"))
        assert parameters(page.url) == [("party", "CAN"), ("youth", "true")]
        assert result_count(page) == "1 measure"
    finally:
        context.close()


def test_on_a_phone_the_results_come_first_and_the_filters_fold_under_a_toggle(page, live_server, catalogue):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/measures/?party=CAN")
    toggle = page.locator("summary.filter-panel__toggle")
    assert toggle.inner_text() == "Filters (1 active)"
    assert not page.locator("#id_q").is_visible()
    heading = page.locator("#results-heading").bounding_box()
    assert heading["y"] + heading["height"] <= PHONE["height"]  # no scrolling past the filters
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    toggle.click()
    assert page.locator("#id_q").is_visible()
    with page.expect_navigation():
        page.get_by_role("checkbox", name=re.compile(r"^Youth \(")).click()
    assert result_count(page) == "1 measure"
    assert focused_id(page) == "results-heading"
    assert page.locator("summary.filter-panel__toggle").inner_text() == "Filters (2 active)"
    assert not page.locator("#id_q").is_visible()

    # Widening the window shows the filters again, without the toggle.
    page.set_viewport_size(DESKTOP)
    expect(page.locator("#id_q")).to_be_visible()
    expect(page.locator("summary.filter-panel__toggle")).to_be_hidden()


def test_options_without_results_are_one_click_away_and_parties_narrow_as_you_type(page, live_server, catalogue):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/measures/?party=CAN")
    goal_2 = page.get_by_role("checkbox", name=re.compile(r"^2\. Goal 2"))
    assert not goal_2.is_visible()
    page.locator("#filter-goal summary").click()
    assert goal_2.is_visible()

    search = page.get_by_label("Find a Party in this list")
    parties = page.locator("#filter-party .options li")
    search.fill("SÉNÉ")
    assert [parties.nth(i).is_visible() for i in range(parties.count())].count(True) == 1
    assert page.get_by_role("checkbox", name=re.compile(r"^Senegal \(")).is_visible()
    search.fill("zzz")
    assert page.locator("#facet-search-status-party").inner_text() == "No option in this list matches."
    search.press("Enter")  # narrowing the list does not send the form
    search.fill("")
    assert page.get_by_role("checkbox", name=re.compile(r"^France \(")).is_visible()
    assert page.url == f"{live_server.url}/measures/?party=CAN"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_nothing_serious_for_axe(page, live_server, catalogue, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/measures/?party=CAN")
    assert serious_violations(page) == []
    if viewport is PHONE:
        page.locator("summary.filter-panel__toggle").click()
        assert serious_violations(page) == []
