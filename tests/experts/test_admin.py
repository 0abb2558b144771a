"""The back office of the experts app: every page opens, dates are checked, outcomes link to measures."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from experts.admin import MeasureOutcomeInline
from experts.models import Body, Expert, Meeting, Membership, Outcome
from measures.models import Measure
from tests.factories import make_expert, make_membership

pytestmark = pytest.mark.django_db

EXPERTS_MODELS = [model for model in admin.site._registry if model._meta.app_label == "experts"]


@pytest.fixture
def with_an_expert(reference_data):
    # Test record only: the reference data holds no people, since the sources name none.
    expert = make_expert(name="Test expert")
    make_membership(Body.objects.get(slug="group-of-experts-digital-environment"), expert, role=Membership.Role.CHAIR)
    return expert


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_the_experts_models_are_in_the_back_office():
    assert {model.__name__ for model in EXPERTS_MODELS} == {"Body", "Expert", "Meeting", "Outcome"}


@pytest.mark.parametrize("model", EXPERTS_MODELS, ids=lambda model: model.__name__)
def test_changelist_add_and_change_pages_open(admin_client_logged_in, with_an_expert, model):
    assert admin_client_logged_in.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client_logged_in.get(admin_url(model, "changelist"), {"q": "group"}).status_code == 200
    assert admin_client_logged_in.get(admin_url(model, "add")).status_code == 200
    for obj in model._default_manager.all()[:3]:
        assert admin_client_logged_in.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_a_body_has_its_memberships_inline(admin_client_logged_in, with_an_expert):
    body = Body.objects.get(slug="group-of-experts-digital-environment")
    response = admin_client_logged_in.get(admin_url(Body, "change", body.pk))
    assert 'name="memberships-TOTAL_FORMS" value="1"' in response.text
    assert "Test expert" in response.text


def test_a_meeting_has_organisers_topics_documents_and_child_meetings_inline(admin_client_logged_in, reference_data):
    meeting = Meeting.objects.get(slug="group-of-experts-quebec-city-2024")
    response = admin_client_logged_in.get(admin_url(Meeting, "change", meeting.pk))
    assert 'name="organisers-TOTAL_FORMS" value="2"' in response.text
    assert 'name="topics-TOTAL_FORMS" value="4"' in response.text
    assert 'name="documents-TOTAL_FORMS" value="0"' in response.text
    assert 'name="children-TOTAL_FORMS" value="1"' in response.text
    assert "Promoting our cultures in the digital age" in response.text


def meeting_form(**fields):
    data = {
        "body": Body.objects.get(slug="group-of-experts-digital-environment").pk,
        "kind": "expert_meeting",
        "title_en": "Third meeting",
        "slug": "third-meeting",
        "start_date": "",
        "end_date": "",
        "year": "",
        "month": "",
    }
    for prefix in ("organisers", "topics", "documents", "children"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(fields)
    return data


def test_a_meeting_with_only_its_month_known_is_saved_without_days(admin_client_logged_in, reference_data):
    response = admin_client_logged_in.post(admin_url(Meeting, "add"), meeting_form(year="2025", month="3"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    meeting = Meeting.objects.get(slug="third-meeting")
    assert (meeting.start_date, meeting.end_date, meeting.year, meeting.month) == (None, None, 2025, 3)


def test_a_one_day_meeting_needs_only_its_first_day(admin_client_logged_in, reference_data):
    response = admin_client_logged_in.post(admin_url(Meeting, "add"), meeting_form(start_date="2025-03-04"))
    assert response.status_code == 302
    meeting = Meeting.objects.get(slug="third-meeting")
    assert (meeting.end_date.isoformat(), meeting.year, meeting.month) == ("2025-03-04", 2025, 3)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start_date": "2025-03-04", "end_date": "2025-03-01"}, "The last day cannot be before the first day."),
        ({"end_date": "2025-03-01"}, "Give the first day too"),
        ({}, "Give the exact days, or at least the year."),
        ({"year": "2025", "month": "13"}, "less than or equal to 12"),
    ],
)
def test_wrong_dates_are_refused_with_a_message_and_nothing_saved(
    admin_client_logged_in, reference_data, fields, message
):
    response = admin_client_logged_in.post(admin_url(Meeting, "add"), meeting_form(**fields))
    assert response.status_code == 200
    assert message in response.text
    assert not Meeting.objects.filter(slug="third-meeting").exists()


def test_outcomes_are_found_by_autocomplete(admin_client_logged_in, reference_data):
    through = Outcome.measures.through
    response = admin_client_logged_in.get(
        "/admin/autocomplete/",
        {"app_label": "experts", "model_name": through._meta.model_name, "field_name": "outcome", "term": "protocol"},
    )
    assert response.status_code == 200
    results = json.loads(response.content)["results"]
    assert [result["text"] for result in results] == ["Recommendation 1: An additional protocol"]


def test_the_measure_inline_links_a_measure_to_the_outcomes_it_answers(superuser, reference_data):
    inline = MeasureOutcomeInline(Measure, admin.site)
    assert inline.check() == []
    assert inline.autocomplete_fields == ("outcome",)
    request = RequestFactory().get("/")
    request.user = superuser
    measure = Measure.objects.get()
    formset_class = inline.get_formset(request, measure)
    prefix = formset_class.get_default_prefix()
    recommendation = Outcome.objects.get(slug="group-of-experts-recommendation-4")
    formset = formset_class(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-outcome": str(recommendation.pk),
        },
        instance=measure,
        prefix=prefix,
    )
    assert formset.is_valid(), formset.errors
    formset.save()
    assert list(measure.outcomes.all()) == [recommendation]


def test_only_users_with_the_experts_permissions_edit_this_app(client, django_user_model, reference_data):
    staff = django_user_model.objects.create_user("staff", password="a-long-test-password", is_staff=True)
    client.force_login(staff)
    assert client.get(admin_url(Meeting, "changelist")).status_code == 403
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="experts", codename__in=["view_meeting", "change_meeting"])
    )
    assert client.get(admin_url(Meeting, "changelist")).status_code == 200
    assert client.get(admin_url(Meeting, "add")).status_code == 403
    assert client.get(admin_url(Expert, "changelist")).status_code == 403
