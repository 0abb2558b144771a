"""axe-core finds no serious or critical accessibility problem on a Party profile and on a comparison of Parties, in
the three languages; the comparison is chosen and submitted with the keyboard alone."""

import pytest

from measures.models import AreaOfMonitoring, Measure, Party
from tests.browser.accessibility import serious_violations
from tests.factories import make_measure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/parties/can/",
    "/fr/parties/can/",
    "/es/parties/can/",
    "/parties/lux/",
    "/parties/compare/?party=CAN&party=FRA&party=LUX&party=EU",
    "/fr/parties/compare/?party=CAN&party=FRA",
    "/es/parties/compare/?party=CAN&party=FRA",
    "/parties/compare/?party=CAN&party=XYZ",
]


@pytest.fixture
def measures(reference_data):
    """Published measures of Canada and France in their 2016 and 2020 reports, in a few areas each."""
    areas = list(AreaOfMonitoring.objects.order_by("pk"))
    for index, (iso3, year) in enumerate([("CAN", 2016), ("CAN", 2020), ("CAN", 2020), ("FRA", 2020)]):
        measure = make_measure(party=Party.objects.get(iso3=iso3), report_year=year, status=Measure.Status.PUBLISHED)
        measure.areas.set(areas[index : index + 2])


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_violations(page, live_server, measures, path):
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []


def test_choosing_parties_to_compare_with_the_keyboard(page, live_server, measures):
    page.goto(f"{live_server.url}/parties/can/")
    page.get_by_role("link", name="Compare with other Parties…").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/parties/compare/?party=CAN")
    assert page.get_by_label("Party 1").input_value() == "CAN"
    page.get_by_label("Party 2").focus()
    page.get_by_label("Party 2").select_option("FRA")
    page.get_by_role("button", name="Compare").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/parties/compare/?party=CAN&party=FRA&party=&party=")
    caption = page.locator("caption", has_text="side by side")
    assert caption.inner_text() == "Canada, France, side by side"
    assert page.get_by_role("link", name="Profile of France").is_visible()
