"""Only the secretariat edits the experts app; it links measures to outcomes from the measure's page."""

import pytest
from django.urls import reverse

from experts.models import Meeting, Outcome
from measures.models import Measure
from tests.support.workflow import World, client_for

pytestmark = pytest.mark.django_db

EXPERTS_CHANGELISTS = ["body", "expert", "meeting", "outcome"]


@pytest.fixture
def world(reference_data):
    return World()


@pytest.mark.parametrize("model", EXPERTS_CHANGELISTS)
def test_the_secretariat_edits_the_experts_app(world, model):
    client = client_for(world.reviewer)
    assert client.get(reverse(f"admin:experts_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:experts_{model}_add")).status_code == 200


@pytest.mark.parametrize("model", EXPERTS_CHANGELISTS)
def test_editors_and_focal_points_do_not(world, model):
    for user in (world.editor, world.focal_point):
        assert client_for(user).get(reverse(f"admin:experts_{model}_changelist")).status_code == 403


def test_the_secretariat_sees_the_outcomes_inline_on_a_measure(world):
    measure = Measure.objects.published().get()
    Outcome.objects.get(slug="group-of-experts-recommendation-1").measures.add(measure)
    html = client_for(world.reviewer).get(reverse("admin:measures_measure_change", args=[measure.pk])).content.decode()
    assert "outcomes this measure responds to" in html.lower()


def test_a_meeting_change_page_for_the_secretariat(world):
    meeting = Meeting.objects.get(slug="group-of-experts-quebec-city-2024")
    response = client_for(world.reviewer).get(reverse("admin:experts_meeting_change", args=[meeting.pk]))
    assert response.status_code == 200
