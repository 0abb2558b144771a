"""axe-core finds no serious or critical accessibility problem on the world map in English, French and Spanish, and
the keyboard moves through the Parties on the map by name."""

import pytest

from tests.browser.accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/map/",
    "/map/?show=measures&order=-figure",
    "/map/?show=filtered&reported_by=civil_society&goal=abc",
    "/map/?show=reporting",
    "/map/?show=nonsense",
    "/fr/map/?show=reporting",
    "/es/map/?show=measures",
    "/fr/",
    "/es/stats/?party=CAN",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_violations(page, live_server, reference_data, path):
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []


def test_keyboard_moves_through_the_parties_on_the_map(page, live_server, reference_data):
    page.goto(f"{live_server.url}/map/?show=deposit")
    links = page.locator("svg.world-map__svg a")
    first = links.first
    first.focus()
    names = []
    for _ in range(3):
        names.append(page.evaluate("document.activeElement.querySelector('title').textContent.split(':')[0]"))
        page.keyboard.press("Tab")
    assert names == sorted(names)
    assert page.evaluate("document.activeElement.closest('svg') !== null")
