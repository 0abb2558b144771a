"""The measures pages and the experts app meet: meetings on the home and Party pages, outcomes on measures."""

import pytest

from experts.models import Outcome
from measures.models import Measure

pytestmark = pytest.mark.django_db


def test_home_lists_meetings(client, reference_data):
    html = client.get("/").content.decode()
    assert "/meetings/group-of-experts-quebec-city-2024/" in html or "/meetings/10-cp/" in html


def test_canada_shows_the_quebec_city_meeting(client, reference_data):
    html = client.get("/parties/can/").content.decode()
    assert "/meetings/group-of-experts-quebec-city-2024/" in html


def test_recommendation_and_measure_link_both_ways(client, reference_data):
    measure = Measure.objects.published().get()
    recommendation = Outcome.objects.get(slug="group-of-experts-recommendation-1")
    recommendation.measures.add(measure)
    assert recommendation.get_absolute_url() in client.get(measure.get_absolute_url()).content.decode()
    assert measure.get_absolute_url() in client.get(recommendation.get_absolute_url()).content.decode()
