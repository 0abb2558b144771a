"""The open data API for measures: published only, the portal's filters, pagination, caching headers."""

import pytest

from measures.models import Measure, Party
from tests.factories import make_measure, make_organisation
from tests.support.public_change import age_last_change

pytestmark = pytest.mark.django_db

API = "/api/v1/measures/"


@pytest.fixture
def canada(reference_data):
    return Party.objects.get(iso3="CAN")


@pytest.fixture
def unpublished(canada):
    return make_measure(party=canada, title="Draft never to be seen", status=Measure.Status.SUBMITTED)


def test_the_cdce_measure_is_found_by_civil_society_and_party(client, canada):
    response = client.get(API, {"reported_by": "civil_society", "party": "CAN"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    measure = body["results"][0]
    assert measure["title"].startswith("Provided support to other coalitions")
    assert measure["party"] == {"code": "CAN", "name": "Canada"}
    assert measure["organisation"]["acronym"] == "CDCE"
    assert (measure["period_start"], measure["period_end"], measure["report_year"]) == (2016, 2019, 2020)
    assert measure["areas"] == ["partnering-with-civil-society"]
    assert measure["goals"] == [1]
    assert measure["url"] == f"http://testserver/measures/{measure['id']}/"
    assert measure["api_url"] == f"http://testserver/api/v1/measures/{measure['id']}/"


def test_party_code_is_case_insensitive(client, canada):
    assert client.get(API, {"party": "can"}).json()["count"] == 1


def test_unpublished_measures_never_appear(client, unpublished):
    body = client.get(API).json()
    assert unpublished.pk not in [measure["id"] for measure in body["results"]]
    assert client.get(f"{API}{unpublished.pk}/").status_code == 404


def test_detail_of_a_published_measure(client, canada):
    measure = Measure.objects.published().get()
    response = client.get(f"{API}{measure.pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == measure.pk


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"goal": "abc"}, "goal"),
        ({"year_from": "x"}, "year_from"),
        ({"party": "ZZZ"}, "party"),
        ({"region": "VI"}, "region"),
        ({"sort": "sideways"}, "sort"),
        ({"youth": "maybe"}, "youth"),
    ],
)
def test_a_bad_value_is_a_400_naming_the_parameter(client, canada, params, parameter):
    response = client.get(API, params)
    assert response.status_code == 400
    assert parameter in response.json()


def test_an_unknown_parameter_is_ignored(client, canada):
    assert client.get(API, {"colour": "blue"}).json()["count"] == 1


def test_page_out_of_range_is_404(client, canada):
    assert client.get(API, {"page": 99}).status_code == 404


def test_page_size_is_capped_at_100(client, canada):
    organisation = make_organisation()
    Measure.objects.bulk_create(
        [
            Measure(
                title=f"Measure {number}",
                party=canada,
                reported_by="civil_society",
                organisation=organisation,
                status="published",
                language="en",
            )
            for number in range(120)
        ]
    )
    body = client.get(API, {"page_size": 500}).json()
    assert body["count"] == 121
    assert len(body["results"]) == 100
    assert body["next"].endswith("page=2&page_size=500")
    assert body["previous"] is None


def test_list_query_count_does_not_grow_with_the_page(client, canada, django_assert_max_num_queries):
    for number in range(30):
        make_measure(party=canada, title=f"Published {number}", status="published")
    # Savepoint and release (ATOMIC_REQUESTS); Parties, areas and domains to validate the filters; the
    # newest change; the count; the page's ids, then its rows; their goals, areas, domains, partners and outcomes.
    with django_assert_max_num_queries(14):
        response = client.get(API, {"page_size": 30})
    assert len(response.json()["results"]) == 30


def test_conditional_requests(client, canada):
    age_last_change()
    first = client.get(API)
    assert first.has_header("ETag")
    assert first.has_header("Last-Modified")
    again = client.get(API, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    since = client.get(API, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    measure = Measure.objects.published().get()
    detail = client.get(f"{API}{measure.pk}/")
    assert detail.has_header("ETag") and detail.has_header("Last-Modified")


def test_cross_origin_reads_are_allowed(client, canada):
    response = client.get(API, HTTP_ORIGIN="https://notebook.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_anonymous_clients_are_throttled_with_retry_after(client, canada, settings):
    settings.API_ANON_RATE = "3/min"
    statuses = [client.get("/api/v1/goals/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = client.get("/api/v1/goals/")
    assert int(throttled["Retry-After"]) > 0


def test_behind_the_proxy_each_client_has_its_own_allowance(client, canada, settings):
    settings.API_ANON_RATE = "2/min"
    settings.BEHIND_PROXY = True
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def status(forwarded_for):
        return client.get("/api/v1/goals/", HTTP_X_FORWARDED_FOR=forwarded_for, **proxy).status_code

    # What the client writes in front of the address the proxy appended does not buy it a fresh allowance.
    assert [status("198.51.100.7"), status("192.0.2.1, 198.51.100.7"), status("192.0.2.2, 198.51.100.7")] == [
        200,
        200,
        429,
    ]
    assert status("203.0.113.9") == 200  # another client through the same proxy


def test_without_a_proxy_the_socket_address_is_the_client(client, canada, settings):
    settings.API_ANON_RATE = "2/min"
    statuses = [client.get("/api/v1/goals/", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_framework_endpoints(client, reference_data):
    goals = client.get("/api/v1/goals/").json()
    assert [goal["number"] for goal in goals] == [1, 2, 3, 4]
    areas = client.get("/api/v1/areas/").json()
    assert len(areas) == 11
    assert client.get("/api/v1/areas/artistic-freedom/").json()["goal"] == 4
    assert client.get("/api/v1/domains/music/").json()["name_es"] == "Música"
    assert client.get("/api/v1/domains/nothing/").status_code == 404
