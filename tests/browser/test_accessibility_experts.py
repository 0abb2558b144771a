"""axe-core finds no serious or critical accessibility problem on the meetings and bodies pages."""

import pytest

from tests.browser.accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/meetings/",
    "/meetings/?body=group-of-experts-digital-environment&year=2024&when=past&year=bad",
    "/fr/meetings/group-of-experts-quebec-city-2024/",
    "/meetings/group-of-experts-paris-2024/",
    "/bodies/",
    "/bodies/group-of-experts-digital-environment/",
    "/es/bodies/intergovernmental-committee/",
    "/outcomes/group-of-experts-report-2024/",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_violations(page, live_server, reference_data, path):
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert serious_violations(page) == []
