"""The API's Parties, organisations, reporting status, bodies, meetings and outcomes."""

import csv
import io

import pytest

from experts.models import Outcome
from measures.models import Measure, Party
from tests.factories import make_measure

pytestmark = pytest.mark.django_db


def api(client, path, **params):
    response = client.get(f"/api/v1/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_parties_with_the_pages_filters(client, reference_data):
    body = api(client, "parties/", region="I", sort="deposit")
    assert body["results"][0]["code"] == "CAN"  # the first to deposit
    assert {party["electoral_group"] for party in body["results"]} == {"I"}
    assert api(client, "parties/", q="türkiye")["results"][0]["code"] == "TUR"


def test_party_by_code_in_either_case_and_the_eu(client, reference_data):
    assert api(client, "parties/CAN/")["published_measures"] == 1
    assert api(client, "parties/can/")["name_es"] == "Canadá"
    assert api(client, "parties/eu/")["kind"] == "reio"
    assert client.get("/api/v1/parties/zzz/").status_code == 404


def test_bad_party_filter_is_a_400(client, reference_data):
    response = client.get("/api/v1/parties/", {"deposited_from": "x"})
    assert response.status_code == 400
    assert "deposited_from" in response.json()


def test_organisations_with_memberships(client, reference_data):
    cdce = api(client, "organizations/cdce/")
    assert sorted(cdce["member_of"], key=lambda link: link["role"]) == [
        {"organisation": "ifccd", "role": "member"},
        {"organisation": "ifccd", "role": "secretariat"},
    ]
    assert cdce["published_measures"] == 1
    assert api(client, "organizations/", country="can")["count"] == 4


def test_reporting_status_for_a_cycle(client, reference_data):
    rows = api(client, "reports/", cycle=2024, page_size=100, region="I")["results"]
    canada = next(row for row in rows if row["party"]["code"] == "CAN")
    assert (canada["cycle"], canada["status"], canada["overdue"]) == (2024, "submitted", False)
    assert (canada["submission_year"], canada["evidence"]) == (2024, "civil_society_contribution")
    austria = next(row for row in rows if row["party"]["code"] == "AUT")
    assert (austria["status"], austria["overdue"], austria["submission_year"]) == ("not_recorded", False, None)
    assert client.get("/api/v1/reports/", {"cycle": "1999"}).status_code == 400


def test_bodies_meetings_and_outcomes(client, reference_data):
    slugs = [body["slug"] for body in api(client, "bodies/")["results"]]
    assert "group-of-experts-digital-environment" in slugs
    quebec = api(client, "meetings/group-of-experts-quebec-city-2024/")
    assert (quebec["start_date"], quebec["end_date"], quebec["city"]) == ("2024-05-28", "2024-05-30", "Quebec City")
    assert {organiser["organisation"] for organiser in quebec["organisers"]} >= {
        "government-of-canada",
        "government-of-quebec",
    }
    assert len(quebec["topics"]) == 4
    igc = api(client, "meetings/", body="intergovernmental-committee")["results"]
    assert [meeting["session"] for meeting in igc] == ["18.IGC"]
    assert client.get("/api/v1/meetings/", {"year": "abc"}).status_code == 400
    outcomes = api(client, "outcomes/", page_size=100)["results"]
    first = next(outcome for outcome in outcomes if outcome["slug"] == "group-of-experts-recommendation-1")
    assert first["title"] == "An additional protocol"


def test_outcomes_list_only_published_measures(client, reference_data):
    outcome = Outcome.objects.get(slug="group-of-experts-recommendation-1")
    published = Measure.objects.published().get()
    draft = make_measure(party=Party.objects.get(iso3="CAN"), status="draft")
    outcome.measures.add(published, draft)
    assert api(client, f"outcomes/{outcome.slug}/")["measures"] == [published.pk]
    measure = api(client, f"measures/{published.pk}/")
    assert measure["outcomes"] == [outcome.slug]


def test_list_query_counts_do_not_grow_with_the_page(client, reference_data, django_assert_max_num_queries):
    for path, limit in [("parties/", 6), ("organizations/", 8), ("reports/", 6), ("meetings/", 10), ("outcomes/", 8)]:
        with django_assert_max_num_queries(limit):
            client.get(f"/api/v1/{path}", {"page_size": 100})


PARITY_CASES = [
    {},
    {"reported_by": "civil_society", "party": "CAN"},
    {"area": "partnering-with-civil-society"},
    {"goal": ["1", "2"], "region": "I"},
    {"q": "Guanajuato"},
    {"year_from": "2018", "year_to": "2022"},
    {"report_year": "2016"},
    {"youth": "true"},
]


@pytest.fixture
def varied_measures(reference_data):
    from measures.models import AreaOfMonitoring

    france, kenya = Party.objects.get(iso3="FRA"), Party.objects.get(iso3="KEN")
    media = AreaOfMonitoring.objects.get(slug="media-diversity")
    mobility = AreaOfMonitoring.objects.get(slug="mobility-of-artists-and-cultural-professionals")
    for number in range(6):
        measure = make_measure(
            party=france if number % 2 else kenya,
            status="published",
            report_year=2016 if number < 3 else 2020,
            period_start=2014 + number,
            period_end=None if number == 5 else 2017 + number,
            is_youth=number % 3 == 0,
        )
        measure.areas.add(media if number % 2 else mobility)
    make_measure(party=france, status="draft", is_youth=True)


@pytest.mark.parametrize("params", PARITY_CASES, ids=lambda params: "&".join(params) or "all")
def test_api_count_equals_the_list_and_the_csv(client, varied_measures, params):
    api_count = api(client, "measures/", **params)["count"]
    page = client.get("/measures/", params)
    assert page.status_code == 200
    export = client.get("/measures/export.csv", params)
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert api_count == page.context["paginator"].count == len(rows) - 1
