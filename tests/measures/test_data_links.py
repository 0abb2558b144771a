"""Every HTML list links to its JSON (and, for measures, CSV) equivalent with the current filters."""

import html

import pytest

pytestmark = pytest.mark.django_db

CASES = [
    ("/measures/", {"party": "CAN", "page": "1"}, "/api/v1/measures/?party=CAN"),
    ("/parties/", {"region": "I"}, "/api/v1/parties/?region=I"),
    ("/organizations/", {"kind": "coalition"}, "/api/v1/organizations/?kind=coalition"),
    ("/reports/", {"cycle": "2024"}, "/api/v1/reports/?cycle=2024"),
    ("/meetings/", {"year": "2024"}, "/api/v1/meetings/?year=2024"),
]


@pytest.mark.parametrize("page, params, json_url", CASES, ids=[case[0] for case in CASES])
def test_list_links_to_its_json_with_the_filters(client, reference_data, page, params, json_url):
    content = html.unescape(client.get(page, params).content.decode())
    assert f'href="{json_url}"' in content
    assert client.get(json_url).status_code == 200


def test_measures_list_links_to_its_csv(client, reference_data):
    content = html.unescape(client.get("/measures/", {"party": "CAN"}).content.decode())
    assert 'href="/measures/export.csv?party=CAN"' in content
