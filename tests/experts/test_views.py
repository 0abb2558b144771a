"""Public pages of the experts app: /meetings/ and its filters, meeting, body and outcome pages."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from experts.models import Meeting, MeetingOrganiser, MeetingTopic, Outcome
from measures.models import Measure, Organisation, Party
from tests.factories import (
    make_body,
    make_expert,
    make_measure,
    make_meeting,
    make_membership,
    make_organisation,
    make_outcome,
    make_party,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/meetings/"
QUEBEC = "/meetings/group-of-experts-quebec-city-2024/"
GROUP = "/bodies/group-of-experts-digital-environment/"


def days(number):
    return timezone.localdate() + datetime.timedelta(days=number)


def titles(response):
    return [meeting.title for meeting in response.context["meetings"]]


def visible_text(response):
    main = re.search(r"<main.*?</main>", response.text, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def calendar(db):
    """Two bodies, meetings before and after today, in two countries, one with only its month known."""
    france, kenya = make_party(name_en="France", name_fr="France", iso3="FRA"), make_party(name_en="Kenya", iso3="KEN")
    committee = make_body(kind="intergovernmental_committee", name="Committee", short_name="IGC", session_code="IGC")
    group = make_body(kind="expert_group", name="Reflection group of experts", short_name="Experts", slug="experts")
    meetings = {
        "next": make_meeting(
            committee,
            title="Next committee session",
            kind="ordinary_session",
            session_number=30,
            start_date=days(10),
            end_date=days(12),
            city="Nairobi",
            country=kenya,
        ),
        "later": make_meeting(group, title="Later expert meeting", start_date=days(40), end_date=days(41)),
        "last": make_meeting(
            committee,
            title="Last committee session",
            kind="ordinary_session",
            session_number=29,
            start_date=days(-30),
            end_date=days(-28),
            city="Paris",
            country=france,
        ),
        "older": make_meeting(group, title="Older expert meeting", start_date=days(-400), end_date=days(-399)),
        "month": make_meeting(
            group, title="Expert meeting, days unknown", year=days(-800).year, month=days(-800).month, country=france
        ),
    }
    MeetingTopic.objects.create(meeting=meetings["later"], position=1, title="Discoverability on platforms")
    meetings["side"] = make_meeting(
        group, title="Side event", kind="side_event", start_date=days(39), parent=meetings["later"]
    )
    return {"meetings": meetings, "committee": committee, "group": group, "france": france, "kenya": kenya}


# --- /meetings/ -------------------------------------------------------------------------------------------


def test_upcoming_meetings_come_first_soonest_first_then_past_latest_first(client, calendar):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert titles(response) == [
        "Next committee session",
        "Side event",
        "Later expert meeting",
        "Last committee session",
        "Older expert meeting",
        "Expert meeting, days unknown",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {"body": "experts"},
            {"Later expert meeting", "Older expert meeting", "Expert meeting, days unknown", "Side event"},
        ),
        ({"kind": "ordinary_session"}, {"Next committee session", "Last committee session"}),
        ({"kind": "side_event"}, {"Side event"}),
        ({"country": "FRA"}, {"Last committee session", "Expert meeting, days unknown"}),
        ({"country": "ken"}, {"Next committee session"}),
        ({"when": "upcoming"}, {"Next committee session", "Later expert meeting", "Side event"}),
        ({"when": "past"}, {"Last committee session", "Older expert meeting", "Expert meeting, days unknown"}),
        ({"q": "discoverability"}, {"Later expert meeting"}),
        ({"q": "nairobi"}, {"Next committee session"}),
        ({"q": "30.IGC"}, {"Next committee session"}),
        (
            {"q": "reflection"},
            {"Later expert meeting", "Older expert meeting", "Expert meeting, days unknown", "Side event"},
        ),
        ({"q": "committee last"}, {"Last committee session"}),
        ({"body": "experts", "when": "past", "country": "FRA"}, {"Expert meeting, days unknown"}),
        ({"country": "ZZZ"}, set()),
        ({"body": "no-such-body"}, set()),
    ],
)
def test_each_filter(client, calendar, query, expected):
    response = client.get(LIST_URL, query)
    assert response.status_code == 200
    assert set(titles(response)) == expected
    assert not response.context["filter_errors"]


def test_the_body_filter_is_repeatable(client, calendar):
    response = client.get(f"{LIST_URL}?body=experts&body={calendar['committee'].slug}")
    assert len(titles(response)) == 6
    response = client.get(f"{LIST_URL}?body=experts&body=experts")
    assert len(titles(response)) == 4


def test_the_year_filter(client, calendar):
    year = days(-800).year
    response = client.get(LIST_URL, {"year": year})
    assert "Expert meeting, days unknown" in titles(response)
    assert all(meeting.year == year for meeting in response.context["meetings"])


def test_facet_counts_count_what_the_other_filters_leave(client, calendar):
    response = client.get(LIST_URL, {"body": "experts", "when": "upcoming"})
    facets = response.context["facets"]
    bodies = {option["value"]: option["count"] for option in facets["body"]}
    # Body counts ignore the body filter but keep "upcoming": one committee session, two expert events.
    assert bodies == {"experts": 2, calendar["committee"].slug: 1}
    assert {option["value"]: option["selected"] for option in facets["body"]}["experts"] is True
    when = {option["value"]: option["count"] for option in facets["when"]}
    assert when == {"upcoming": 2, "past": 2}
    kinds = {option["value"]: option["count"] for option in facets["kind"]}
    assert kinds == {"expert_meeting": 1, "side_event": 1}
    assert '<label for="filter-body-' in response.text
    assert 'Experts <span class="count">(2)</span>' in response.text


def test_country_facets_are_named_in_the_page_language(client, calendar):
    calendar["kenya"].name_fr = "Kenya (fr)"
    calendar["kenya"].save()
    response = client.get("/fr/meetings/")
    assert {option["label"] for option in response.context["facets"]["country"]} == {"France", "Kenya (fr)"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "abc"}, "Year"),
        ({"year": "99999999999999999999"}, "Year"),
        ({"year": "1200"}, "Year"),
        ({"kind": "party"}, "Kind of meeting"),
        ({"when": "tomorrow"}, "When"),
        ({"country": "Canada"}, "Country"),
        ({"body": "not a slug!"}, "Body"),
        ({"q": "x" * 201}, "Search"),
        ({"q": "nul\x00byte"}, "Search"),
    ],
)
def test_bad_values_give_a_message_and_are_left_out(client, calendar, query, field):
    response = client.get(LIST_URL, query)
    assert response.status_code == 200
    assert any(message.startswith(field) for message in response.context["filter_errors"])
    assert 'role="alert"' in response.text
    assert len(titles(response)) == 6


def test_a_bad_value_does_not_drop_the_good_ones(client, calendar):
    response = client.get(LIST_URL, {"kind": "ordinary_session", "year": "soon"})
    assert set(titles(response)) == {"Next committee session", "Last committee session"}
    assert response.context["calendar_query"] == "?kind=ordinary_session"


def test_a_page_out_of_range_is_a_404(client, calendar):
    assert client.get(LIST_URL, {"page": "99"}).status_code == 404
    assert client.get(LIST_URL, {"page": "last"}).status_code == 200


def test_the_list_page_runs_at_most_twelve_queries(client, django_assert_max_num_queries):
    # Ten for the page, one for the synthetic-examples banner (base.html) while the cache is cold.
    body = make_body()
    organisation, party = make_organisation(), make_party()
    for number in range(30):
        meeting = make_meeting(body, start_date=days(number - 15), country=party, city="City")
        MeetingOrganiser.objects.create(meeting=meeting, organisation=organisation)
        MeetingOrganiser.objects.create(meeting=meeting, party=party)
    with django_assert_max_num_queries(12):
        response = client.get(LIST_URL, {"q": "Meeting", "body": body.slug, "country": party.iso3, "when": "past"})
    assert response.status_code == 200
    with django_assert_max_num_queries(11):  # the banner's count is cached by now
        response = client.get(LIST_URL)
    assert len(response.context["meetings"]) == 20
    assert response.text.count(organisation.name) >= 20


def test_pagination_keeps_the_filters(client):
    body = make_body(slug="busy")
    for number in range(25):
        make_meeting(body, start_date=days(number))
    response = client.get(LIST_URL, {"body": "busy"})
    assert 'href="?body=busy&amp;page=2"' in response.text


def test_meetings_list_in_three_languages(client, reference_data):
    assert "28–30 May 2024" in client.get(LIST_URL).text
    assert "28–30 mai 2024" in client.get("/fr/meetings/").text
    spanish = client.get("/es/meetings/").text
    assert "28–30 de mayo de 2024" in spanish
    assert "noviembre de 2024" in spanish


hypothesis_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["upcoming", "past", "expert_meeting", "2024", "-1", "0", "CAN", "can", "group-of-experts-digital-environment"]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.lists(
        st.tuples(
            st.sampled_from(["q", "body", "kind", "year", "country", "when", "page", "other"]), hypothesis_values
        ),
        max_size=6,
    )
)
def test_no_list_parameters_give_a_server_error(client, reference_data, params):
    query = urlencode(params)
    for url in (f"{LIST_URL}?{query}", f"/meetings/calendar.ics?{query}"):
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (url, response.status_code)


# --- A meeting's page -------------------------------------------------------------------------------------


def test_the_quebec_city_meeting_page_has_its_facts(client, reference_data):
    response = client.get(QUEBEC)
    assert response.status_code == 200
    text = visible_text(response)
    assert "28–30 May 2024" in text
    assert "Quebec City" in text and "Canada" in text
    organisers = [link.organiser.slug for link in response.context["meeting"].organisers.all()]
    assert organisers == ["government-of-canada", "government-of-quebec"]
    assert "Government of Canada" in text and "Government of Quebec" in text
    assert text.count("Co-organiser") == 2
    assert (
        "Promoting our cultures in the digital age – Conversations among cultural workers from here and abroad" in text
    )
    assert "27 May 2024" in text
    for theme in (
        "Linguistic diversity of cultural content",
        "Discoverability of national and local content on platforms",
        "Meaningful platform transparency on cultural issues, including artistic freedom",
        "Impact of artificial intelligence on the cultural and creative industries",
    ):
        assert theme in text
    assert 'href="/meetings/group-of-experts-quebec-city-2024.ics"' in response.text
    assert 'href="/meetings/conference-day-quebec-city-2024/"' in response.text


def test_the_conference_day_page_names_its_organisers_and_parent(client, reference_data):
    response = client.get("/fr/meetings/conference-day-quebec-city-2024/")
    text = visible_text(response)
    assert "27 mai 2024" in text
    # The organisations under their own French names, the organiser's note in French.
    assert "Coalition pour la diversité des expressions culturelles (CDEC)" in text
    assert "Fédération internationale des coalitions pour la diversité culturelle (FICDC)" in text
    assert "Commission canadienne pour l’UNESCO" in text
    assert "segment culturel autochtone" in text
    assert 'href="/fr/meetings/group-of-experts-quebec-city-2024/"' in response.text


def test_a_month_only_meeting_shows_its_month_and_no_calendar_link(client, reference_data):
    response = client.get("/meetings/group-of-experts-paris-2024/")
    text = visible_text(response)
    assert "November 2024" in text
    assert "the exact days are not known" in text
    assert ".ics" not in response.text


def test_session_labels_on_pages(client, reference_data):
    assert "18.IGC" in client.get("/meetings/18-igc/").text
    response = client.get("/meetings/10-cp/")
    assert "10.CP" in response.text
    assert "18–20 June 2025" in visible_text(response)


def test_the_meeting_page_runs_a_bounded_number_of_queries(client, reference_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(13):
        assert client.get(QUEBEC).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/no-such-meeting/",
        "/meetings/no-such-meeting.ics",
        "/bodies/no-such-body/",
        "/outcomes/no-such-outcome/",
        "/fr/meetings/no-such-meeting/",
    ],
)
def test_unknown_records_are_404(client, reference_data, url):
    assert client.get(url).status_code == 404


# --- Bodies and outcomes ----------------------------------------------------------------------------------


def test_bodies_list_governing_bodies_first(client, reference_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):  # one of them counts the synthetic examples for the banner (cold cache)
        response = client.get("/bodies/")
    names = [body.name for body in response.context["bodies"]]
    assert names == [
        "Conference of Parties",
        "Intergovernmental Committee",
        "Group of Experts on the diversity of cultural expressions in the digital environment",
    ]
    assert "reflection group" in response.text


def test_the_group_of_experts_page(client, reference_data):
    response = client.get(GROUP)
    text = visible_text(response)
    assert "reflection group" in text
    assert "18" in text and "Planned number of members" in text
    assert "To recommend action to the Parties" in text
    assert "The members' names are not recorded yet." in text
    assert "Recommendation 1: An additional protocol" in text
    assert "Recommendations 2–11" in text
    assert 'aria-label="Recommendation 11"' in response.text
    assert "Recommendation 12" not in response.text
    assert 'href="/meetings/group-of-experts-quebec-city-2024/"' in response.text
    # The chain from the report to the Committee's decision.
    assert "Followed up by:" in text
    assert 'href="/outcomes/18-igc-adoption-of-recommendations-2-11/"' in response.text
    assert "(18.IGC, adopted)" in text


def test_the_committee_page_shows_which_recommendations_its_decision_follows_up(client, reference_data):
    text = visible_text(client.get("/bodies/intergovernmental-committee/"))
    assert "Adoption of recommendations 2 to 11 of the Group of Experts" in text
    assert "Follows up:" in text
    assert "Recommendation 2 ( Group of Experts )" in text
    assert "Recommendation 1 " not in text


def test_a_recommendation_and_the_measures_that_answer_it(client, reference_data):
    recommendation = Outcome.objects.get(slug="group-of-experts-recommendation-4")
    published = Measure.objects.get()
    draft = make_measure(party=Party.objects.get(slug="can"), title="A draft that answers it", status="draft")
    recommendation.measures.add(published, draft)
    for url in (GROUP, recommendation.get_absolute_url()):
        response = client.get(url)
        assert published.title in response.text, url
        assert f'href="{published.get_absolute_url()}"' in response.text
        assert draft.title not in response.text, url
    assert "Measures responding to it" in client.get(recommendation.get_absolute_url()).text


def test_an_outcome_page_shows_its_report_and_follow_up(client, reference_data):
    response = client.get("/outcomes/group-of-experts-recommendation-4/")
    text = visible_text(response)
    assert "Recommendation 4" in text
    assert "December 2024" in text
    assert "Report of the Group of Experts" in text
    assert "Adoption of recommendations 2 to 11 of the Group of Experts" in text
    assert "The text is not recorded yet." in text
    assert "No published measure is linked to it yet." in text


def test_the_body_page_runs_a_bounded_number_of_queries(client, reference_data, django_assert_max_num_queries):
    body = make_body()
    for number in range(10):
        expert = make_expert(country=Party.objects.get(slug="can"))
        make_membership(body, expert)
        meeting = make_meeting(body, start_date=days(number))
        MeetingOrganiser.objects.create(meeting=meeting, organisation=Organisation.objects.get(slug="cdce"))
    report = make_outcome(body, kind="report")
    for number in range(1, 10):
        part = make_outcome(body, part_of=report, number=number)
        part.measures.add(Measure.objects.get())
        make_outcome(body, kind="decision").follows_up.add(part)
    with django_assert_max_num_queries(16):
        response = client.get(body.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count(Measure.objects.get().title) == 9


# --- Pieces for the home page, a Party's page and a measure's page ----------------------------------------


def render(source, **context):
    from django.template import Context, Template

    return Template("{% load experts_tags %}" + source).render(Context(context))


def test_home_meetings_shows_upcoming_and_recent(calendar, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        html = render("{% home_meetings %}")
    upcoming, recent = html.split("Recent")
    assert "Next committee session" in upcoming and "Last committee session" not in upcoming
    assert "Last committee session" in recent and "Next committee session" not in recent
    assert upcoming.index("Next committee session") < upcoming.index("Later expert meeting")
    assert "30.IGC" in upcoming


def test_party_meetings_lists_meetings_held_or_organised_there_and_bodies_with_a_member(
    reference_data, django_assert_max_num_queries
):
    canada = Party.objects.get(slug="can")
    france = Party.objects.get(slug="fra")
    elsewhere = make_meeting(make_body(), title="Organised by Canada abroad", year=2023, country=france)
    MeetingOrganiser.objects.create(meeting=elsewhere, party=canada)
    group = Meeting.objects.get(slug="group-of-experts-quebec-city-2024").body
    make_membership(group, make_expert(name="An expert from Canada", country=canada))
    with django_assert_max_num_queries(2):
        html = render("{% party_meetings party %}", party=canada)
    assert "First meeting of the Group of Experts" in html
    assert "Promoting our cultures in the digital age" in html
    assert "Organised by Canada abroad" in html
    assert "Second meeting" not in html
    assert 'href="/bodies/group-of-experts-digital-environment/"' in html
    html = render("{% party_meetings party %}", party=france)
    assert "Second meeting" in html and "First meeting" not in html
    assert "No membership is recorded." in html


def test_measure_outcomes_names_the_recommendations_a_measure_answers(reference_data, django_assert_max_num_queries):
    measure = Measure.objects.get()
    assert render("{% measure_outcomes measure %}", measure=measure).strip() == ""
    Outcome.objects.get(slug="group-of-experts-recommendation-4").measures.add(measure)
    Outcome.objects.get(slug="group-of-experts-recommendation-1").measures.add(measure)
    with django_assert_max_num_queries(1):
        html = render("{% measure_outcomes measure %}", measure=measure)
    assert 'href="/outcomes/group-of-experts-recommendation-4/"' in html
    assert "Recommendation 4" in html
    assert 'Recommendation 1: <span lang="en">An additional protocol</span>' in html
    assert "Group of Experts" in html and "December 2024" in html


def test_the_main_navigation_links_meetings_and_bodies(client, reference_data):
    response = client.get("/bodies/")
    assert 'href="/meetings/"' in response.text
    assert re.search(r'href="/bodies/" aria-current="page"', response.text)


def test_a_bad_value_is_also_reported_next_to_its_control(client, calendar):
    response = client.get(LIST_URL, {"year": "soon"})
    assert 'id="filter-year" name="year" aria-invalid="true" aria-describedby="filter-year-error"' in response.text
    assert '<p class="field-error" id="filter-year-error">Enter a whole number.</p>' in response.text
