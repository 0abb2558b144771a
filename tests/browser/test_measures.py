"""A person filters the measures in a real browser, pages through them and switches to French."""

import re

import pytest

from tests.browser.listing import catalogue_with_a_long_list, result_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(db):
    return catalogue_with_a_long_list()


def test_tick_two_goals_and_a_party_then_page_and_switch_to_french(page, live_server, catalogue):
    page.goto(f"{live_server.url}/measures/")
    assert result_count(page) == "31 measures"

    # Each ticked option applies at once (static/js/filters.js), so each one waits for the page it loads; click(),
    # not check(), which would wait to see the box ticked after the new page has replaced it.
    for name in (r"^1\. Goal 1 in English", r"^4\. Goal 4 in English", r"^Canada \("):
        with page.expect_navigation():
            page.get_by_role("checkbox", name=re.compile(name)).click()

    assert "goal=1" in page.url and "goal=4" in page.url and "party=CAN" in page.url
    assert result_count(page) == "27 measures"
    assert page.get_by_role("link", name=re.compile("Party: Canada")).is_visible()
    assert page.get_by_role("checkbox", name=re.compile(r"^1\. Goal 1 in English")).is_checked()

    page.get_by_role("link", name="Next").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert "goal=4" in page.url and "party=CAN" in page.url
    assert page.locator(".results-list > li").count() == 7
    assert "Page 2 of 2" in page.locator(".pagination").inner_text()

    page.get_by_role("link", name="Français").click()
    page.wait_for_url(re.compile(r"/fr/measures/\?"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "goal=1" in page.url and "goal=4" in page.url and "party=CAN" in page.url and "page=2" in page.url
    assert page.get_by_role("checkbox", name=re.compile(r"^4\. Objectif 4")).is_checked()
    assert page.locator(".results-list > li").count() == 7


def test_removing_a_chip_and_searching_from_home(page, live_server, catalogue):
    page.goto(f"{live_server.url}/")
    page.get_by_role("searchbox", name="Search the measures").fill("Guanajuato")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/measures/\?q=Guanajuato"))
    assert result_count(page) == "1 measure"
    assert page.locator(".results-list mark").first.inner_text() == "Guanajuato"
    page.get_by_role("link", name=re.compile("Search: “Guanajuato”")).click()
    page.wait_for_url(re.compile(r"/measures/$"))
    assert result_count(page) == "31 measures"


def test_a_bad_value_shows_its_message_and_the_rest_works(page, live_server, catalogue):
    page.goto(f"{live_server.url}/measures/?goal=abc&party=SEN")
    assert page.locator("#error-goal").inner_text().startswith("Unknown goal: abc.")
    assert result_count(page) == "1 measure"


def test_readable_at_360_pixels(page, live_server, catalogue):
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/measures/?party=CAN", f"/measures/{catalogue.measures['cdce'].pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
