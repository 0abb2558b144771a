"""A person signs in to the back office and finds the reference data."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_sign_in_shows_parties_and_the_cdce_measure(page, live_server, reference_data, superuser):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Measures", exact=True).click()
    page.get_by_role("link", name="Provided support to other coalitions", exact=False).click()
    assert page.get_by_label("Title").input_value().startswith("Provided support to other coalitions")
    page.goto(f"{live_server.url}/admin/measures/party/?q=Canada")
    assert page.get_by_role("link", name="Canada", exact=True).is_visible()
