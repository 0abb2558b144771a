"""Each list page links to its two downloads, carrying its current filters (and not its page number)."""

import html

import pytest

from tests.support.catalogue import build_catalogue

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def links(response):
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("page", "csv", "xlsx"),
    [
        ("/parties/?region=Va&sort=-deposit&page=1", "/parties/export.csv", "/parties/export.xlsx"),
        ("/reports/?cycle=2020&status=submitted", "/reports/export.csv", "/reports/export.xlsx"),
        ("/meetings/?year=2024&page=1", "/meetings/export.csv", "/meetings/export.xlsx"),
        ("/fr/parties/?region=Va", "/fr/parties/export.csv", "/fr/parties/export.xlsx"),
    ],
)
def test_directory_and_meeting_pages_link_to_both_downloads_with_their_filters(client, reference_data, page, csv, xlsx):
    response = client.get(page)
    assert response.status_code == 200
    query = page.split("?", 1)[1].replace("&page=1", "")
    content = links(response)
    assert f'href="{csv}?{query}" type="text/csv"' in content
    assert f'href="{xlsx}?{query}" type="{XLSX}"' in content


def test_the_measures_list_links_to_both_downloads_with_its_filters(client):
    build_catalogue()
    content = links(client.get("/measures/?party=CAN&sort=title&page=1"))
    assert 'href="/measures/export.csv?party=CAN&sort=title"' in content
    assert 'href="/measures/export.xlsx?party=CAN&sort=title"' in content
    assert "Download these 2 measures (CSV)" in content
    assert "Download these 2 measures as a spreadsheet (XLSX)" in content


def test_the_links_lead_to_the_downloads(client, reference_data):
    for url in ("/parties/export.csv", "/reports/export.xlsx", "/meetings/export.csv", "/measures/export.xlsx"):
        assert client.get(url).status_code == 200
