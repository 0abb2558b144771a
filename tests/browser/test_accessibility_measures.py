"""axe-core finds no serious or critical accessibility problem on home, the measures list, a measure and the
contributors' page."""

import pytest

from measures.models import Measure
from tests.browser.accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CDCE = "Provided support to other coalitions"

PAGES = [
    "/",
    "/measures/",
    "/measures/?q=Guanajuato",
    "/measures/?goal=1&goal=4&party=CAN&region=I&youth=true",
    "/measures/?goal=abc&year_from=x&party=ZZZ&sort=nonsense",
    "/measures/?party=CAN&goal=3",
    "/fr/measures/?area=partnering-with-civil-society",
    "{cdce}",
    "/es{cdce}",
    "/contribute/",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_violations(page, live_server, reference_data, path):
    cdce = Measure.objects.get(title__startswith=CDCE).get_absolute_url()
    page.goto(f"{live_server.url}{path.format(cdce=cdce)}")
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []


def test_skip_link_and_visible_focus(page, live_server, reference_data):
    page.goto(f"{live_server.url}/measures/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    page.wait_for_url("**/measures/#main")
    assert page.url.endswith("#main")
    page.locator("#id_q").focus()
    page.keyboard.type("Guanajuato")
    page.keyboard.press("Enter")
    page.wait_for_url("**/measures/?q=Guanajuato*")
    assert page.locator(".results-list > li").count() == 1
