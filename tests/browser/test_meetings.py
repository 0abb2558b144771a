"""A visitor filters the meetings, finds the Quebec City meeting and its conference day, and gets its calendar file."""

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_meetings_by_body_and_time_then_open_the_quebec_city_meeting(page, live_server, reference_data):
    page.goto(f"{live_server.url}/meetings/")
    assert page.get_by_role("heading", level=1).inner_text() == "Meetings"
    assert page.get_by_role("heading", name="5 meetings").is_visible()

    page.get_by_role("checkbox", name=re.compile(r"^Group of Experts")).check()
    page.get_by_label("Year").select_option("2024")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"body=group-of-experts-digital-environment"))
    assert "year=2024" in page.url
    assert page.get_by_role("heading", name="3 meetings").is_visible()
    results = page.locator(".meeting-list").inner_text()
    assert "10th session of the Conference of Parties" not in results
    assert "28–30 May 2024" in results and "November 2024" in results
    assert page.get_by_role("checkbox", name=re.compile(r"^Group of Experts")).is_checked()

    page.get_by_label("Kind of meeting").select_option("conference_day")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"kind=conference_day"))
    assert page.get_by_role("heading", name="1 meeting", exact=True).is_visible()

    page.get_by_role("link", name="Clear all filters").click()
    page.get_by_label("Search").fill("Quebec")
    page.get_by_label("Search").press("Enter")
    page.wait_for_url(re.compile(r"q=Quebec"))
    page.locator(".meeting-item__title").get_by_role("link", name=re.compile(r"^First meeting of the Group")).click()

    assert page.get_by_role("heading", level=1).inner_text().startswith("First meeting of the Group of Experts")
    assert page.get_by_role("heading", name="Events that are part of this meeting").is_visible()
    assert page.get_by_role("link", name=re.compile(r"^Promoting our cultures in the digital age")).is_visible()
    assert page.get_by_text("Government of Quebec").first.is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (iCalendar file)").click()
    download = download_info.value
    assert download.suggested_filename == "group-of-experts-quebec-city-2024.ics"
    content = Path(download.path()).read_text(encoding="utf-8")
    assert "DTSTART;VALUE=DATE:20240528" in content and "DTEND;VALUE=DATE:20240531" in content


def test_a_bad_filter_in_the_address_shows_a_message(page, live_server, reference_data):
    page.goto(f"{live_server.url}/fr/meetings/?year=soon&when=past")
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    assert page.locator("#filter-year").input_value() == ""
    assert page.locator("#filter-when-past").is_checked()
    assert page.locator("html").get_attribute("lang") == "fr"


def test_follow_the_chain_from_the_report_to_the_committee_decision(page, live_server, reference_data):
    page.goto(f"{live_server.url}/bodies/")
    page.get_by_role("link", name=re.compile(r"^Group of Experts on the diversity")).click()
    page.get_by_role("link", name="Recommendation 4", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Recommendation 4"
    page.get_by_role("link", name="Adoption of recommendations 2 to 11 of the Group of Experts").click()
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Adoption of recommendations 2 to 11 of the Group of Experts"
    )
    assert page.get_by_role("link", name=re.compile(r"^18\.IGC")).is_visible()
