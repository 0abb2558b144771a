"""axe-core finds no serious or critical accessibility problem on the directory, statistics and about pages."""

import pytest

from tests.browser.accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/parties/",
    "/parties/?region=I&region=ZZ&deposited_from=x&sort=-deposit",
    "/parties/?q=nothing-matches",
    "/parties/can/",
    "/fr/parties/eu/",
    "/reports/",
    "/reports/?cycle=2020&status=expected&region=Va&cycle=abc",
    "/organizations/",
    "/organizations/cdce/",
    "/stats/",
    "/es/stats/?party=CAN&goal=abc",
    "/about/",
    "/fr/about/",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_violations(page, live_server, reference_data, path):
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []


def test_keyboard_reaches_the_filters_and_the_sortable_headers(page, live_server, reference_data):
    page.goto(f"{live_server.url}/parties/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.locator("#id_q").focus()
    page.keyboard.type("Mexico")
    page.keyboard.press("Enter")
    page.wait_for_url("**/parties/?q=Mexico*")
    assert page.locator(".dir-table tbody th").all_inner_texts() == ["Mexico"]
