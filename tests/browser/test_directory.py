"""A person filters and sorts the Parties list, reads a Party's reports and the reporting status, in a browser."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def result_names(page):
    return page.locator(".dir-table tbody th").all_inner_texts()


def test_filter_parties_by_a_region_then_sort_by_deposit_date(page, live_server, reference_data):
    page.goto(f"{live_server.url}/parties/")
    expect(page.get_by_role("heading", level=2, name="138 Parties")).to_be_visible()

    page.get_by_role("group", name="Electoral group").get_by_label(
        "Group III (Latin America and the Caribbean)"
    ).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"region=III"))
    heading = page.locator("#results-heading").inner_text()
    count = int(heading.split()[0])
    assert 0 < count < 138
    assert "Mexico" in result_names(page) and "Canada" not in result_names(page)

    page.get_by_role("link", name="Date of deposit").click()
    expect(page).to_have_url(re.compile(r"sort=deposit"))
    expect(page).to_have_url(re.compile(r"region=III"))
    expect(page.locator("th[aria-sort='ascending']")).to_have_text(re.compile("Date of deposit"))
    dates = page.locator(".dir-table tbody tr td:nth-child(4) time").evaluate_all(
        "nodes => nodes.map(node => node.getAttribute('datetime'))"
    )
    assert len(dates) == count
    assert dates == sorted(dates)

    page.get_by_role("link", name="Date of deposit").click()
    expect(page.locator("th[aria-sort='descending']")).to_have_text(re.compile("Date of deposit"))
    dates_descending = page.locator(".dir-table tbody tr td:nth-child(4) time").evaluate_all(
        "nodes => nodes.map(node => node.getAttribute('datetime'))"
    )
    assert dates_descending == sorted(dates, reverse=True)

    # Filtering again keeps the sort order.
    page.get_by_label("Name or ISO code").fill("mex")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"sort=-deposit"))
    assert result_names(page) == ["Mexico"]


def test_a_bad_filter_value_shows_a_message_and_the_list(page, live_server, reference_data):
    page.goto(f"{live_server.url}/parties/?deposited_from=x&region=I")
    expect(page.locator("#id_deposited_from-error")).to_be_visible()
    expect(page.get_by_label("Deposited from (year)")).to_have_attribute("aria-invalid", "true")
    assert "Canada" in result_names(page)


def test_from_canada_to_its_reporting_status(page, live_server, reference_data):
    page.goto(f"{live_server.url}/parties/?q=canada")
    page.get_by_role("link", name="Canada", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Canada")
    # Each cycle links to the Party's periodic report for it, which links to the cycle's status table.
    row_2012 = page.locator(".dir-table tbody tr", has=page.get_by_role("link", name="2012 (periodic report)"))
    expect(row_2012).to_contain_text("Not recorded")
    row_2024 = page.locator(".dir-table tbody tr", has=page.get_by_role("link", name="2024 (periodic report)"))
    expect(row_2024).to_contain_text("Submitted")
    expect(row_2024).not_to_contain_text("Overdue")
    row_2024.get_by_role("link", name="2024 (periodic report)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Canada: periodic report, 2024 cycle")
    page.get_by_role("link", name="2024", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reporting status: 2024 cycle")
    canada = page.locator(".dir-table tbody tr", has=page.get_by_role("link", name="Canada", exact=True))
    expect(canada).to_contain_text("Submitted")
    expect(canada).to_contain_text("2024")

    page.get_by_role("group", name="Status").get_by_label("Transmitted").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"status=transmitted"))
    expect(page.get_by_text("No Party matches these filters.")).to_be_visible()
    page.get_by_role("link", name="Remove “Status”").click()
    expect(page.locator(".dir-table tbody tr", has=page.get_by_role("link", name="Canada", exact=True))).to_be_visible()


def test_statistics_follow_the_measures_filters_and_read_in_french(page, live_server, reference_data):
    page.goto(f"{live_server.url}/stats/?party=CAN&reported_by=civil_society")
    expect(page.get_by_text("1 published measure is counted.")).to_be_visible()
    expect(page.locator("svg[role='img']")).to_have_count(8)
    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/stats/\?party=CAN&reported_by=civil_society"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
