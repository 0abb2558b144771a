"""axe-core finds no serious or critical accessibility problem on a periodic report's page, in the three languages:
one with a measure (Canada's 2020 report, its civil-society measure) and one with nothing recorded."""

import pytest

from tests.browser.accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/parties/can/reports/2020/",
    "/fr/parties/can/reports/2020/",
    "/es/parties/can/reports/2020/",
    "/parties/can/reports/2012/",
    "/fr/parties/eu/reports/2027/",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_violations(page, live_server, reference_data, path):
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []


def test_the_contents_lead_to_the_measures_by_keyboard(page, live_server, reference_data):
    page.goto(f"{live_server.url}/parties/can/reports/2020/")
    link = page.locator(".report-toc a", has_text="Partnering with civil society")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**#civil_society-area-partnering-with-civil-society")
    assert page.locator("#civil_society-area-partnering-with-civil-society").is_visible()
