"""An editor never meets another organisation's measures in the back office, whatever door they try.

Each test puts the other organisation's measures in every status next to the editor's own, then tries one
door: the changelist and its search, a guessed change/history/delete/move URL, every autocomplete that
lists measures or organisations, the export, the import, the index panel, and the public page.
"""

import csv
import io

import pytest
from django.contrib import admin
from django.db.models import ForeignKey, ManyToManyField
from django.urls import reverse

from measures.models import Measure, PeriodicReport, ReportingCycle
from measures.resources import MeasureExportResource
from tests.support.workflow import World, change_url, client_for, csrf_token, transition_url

pytestmark = pytest.mark.django_db

STATUSES = Measure.Status.values


@pytest.fixture
def world(db):
    world = World()
    world.own = {status: world.civil_society_measure(status=status, title=f"Own {status}") for status in STATUSES}
    world.others = {
        status: world.civil_society_measure(status=status, organisation=world.other_org, title=f"Other {status}")
        for status in STATUSES
    }
    world.party_measures = {status: world.party_measure(status=status, title=f"Party {status}") for status in STATUSES}
    return world


def ids(measures):
    return {measure.pk for measure in measures}


def test_the_changelist_shows_the_editor_their_organisation_s_measures_in_every_status_only(world):
    response = client_for(world.editor).get(reverse("admin:measures_measure_changelist"))
    assert response.status_code == 200
    assert {measure.pk for measure in response.context["cl"].result_list} == ids(world.own.values())
    for measure in world.others.values():
        assert measure.title not in response.text


def test_the_changelist_shows_the_focal_point_their_party_s_own_measures_only(world):
    response = client_for(world.focal_point).get(reverse("admin:measures_measure_changelist"))
    assert {measure.pk for measure in response.context["cl"].result_list} == ids(world.party_measures.values())


def test_searching_and_filtering_the_changelist_finds_nothing_of_another_organisation(world):
    client = client_for(world.editor)
    for query in ({"q": "Other"}, {"status__exact": "submitted"}, {"q": "Other published"}):
        response = client.get(reverse("admin:measures_measure_changelist"), query)
        assert all(measure.organisation_id == world.org.pk for measure in response.context["cl"].result_list)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("page", ["change", "history", "delete"])
def test_a_guessed_url_for_another_organisation_s_measure_says_it_does_not_exist(world, status, page):
    measure = world.others[status]
    client = client_for(world.editor)
    response = client.get(reverse(f"admin:measures_measure_{page}", args=[measure.pk]), follow=True)
    assert response.redirect_chain[0] == (reverse("admin:index"), 302)
    assert "doesn’t exist" in response.text
    assert measure.title not in response.text


def test_a_guessed_historical_version_of_another_organisation_s_measure_says_it_does_not_exist(world):
    measure = world.others[Measure.Status.DRAFT]
    version = measure.history.latest()
    url = reverse("admin:measures_measure_simple_history", args=[measure.pk, version.history_id])
    response = client_for(world.editor).get(url)
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    own = world.own[Measure.Status.DRAFT]
    own_url = reverse("admin:measures_measure_simple_history", args=[own.pk, own.history.latest().history_id])
    assert client_for(world.editor).get(own_url).status_code == 200


def test_a_historical_version_cannot_be_posted_back(world):
    own = world.own[Measure.Status.DRAFT]
    client = client_for(world.editor)
    url = reverse("admin:measures_measure_simple_history", args=[own.pk, own.history.latest().history_id])
    response = client.post(url, {"title": "Reverted", "csrfmiddlewaretoken": csrf_token(client, url)})
    assert response.status_code == 405
    own.refresh_from_db()
    assert own.title == "Own draft"


def test_a_guessed_move_on_another_organisation_s_measure_changes_nothing(world):
    measure = world.others[Measure.Status.DRAFT]
    client = client_for(world.editor)
    response = client.post(transition_url(measure, "submit"), {"csrfmiddlewaretoken": csrf_token(client)})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == Measure.Status.DRAFT
    assert not measure.transitions.exists()


def autocomplete(client, model, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field_name,
            "term": term,
        },
    )
    if response.status_code != 200:
        return response.status_code, set()
    return 200, {int(result["id"]) for result in response.json()["results"]}


def fields_pointing_to(model):
    """Every autocomplete in the admin whose choices are `model`s: (source model, field name)."""
    for source, model_admin in admin.site._registry.items():
        for field_name in model_admin.autocomplete_fields:
            field = source._meta.get_field(field_name)
            if isinstance(field, ForeignKey | ManyToManyField) and field.related_model is model:
                yield source, field_name


def test_there_are_measure_autocompletes_to_check():
    assert list(fields_pointing_to(Measure))


@pytest.mark.parametrize(
    ("source", "field_name"), list(fields_pointing_to(Measure)), ids=lambda value: getattr(value, "__name__", value)
)
def test_every_autocomplete_of_measures_offers_the_editor_only_their_own(world, source, field_name):
    client = client_for(world.editor)
    status, found = autocomplete(client, source, field_name)
    assert status == 200
    assert found == ids(world.own.values())
    assert autocomplete(client, source, field_name, term="Other")[1] == set()


def test_the_organisation_autocomplete_of_a_measure_offers_the_editor_only_their_organisations(world):
    status, found = autocomplete(client_for(world.editor), Measure, "organisation")
    assert status == 200
    assert found == {world.org.pk}


def test_the_party_and_report_autocompletes_offer_the_focal_point_only_their_party(world):
    cycle = ReportingCycle.objects.create(year=2099, deadline="2099-06-30")
    own_report = PeriodicReport.objects.create(party=world.party, cycle=cycle)
    PeriodicReport.objects.create(party=world.other_party, cycle=cycle)
    client = client_for(world.focal_point)
    assert autocomplete(client, Measure, "party") == (200, {world.party.pk})
    assert autocomplete(client, Measure, "periodic_report") == (200, {own_report.pk})


def test_the_secretariat_s_autocomplete_offers_every_measure(world):
    status, found = autocomplete(client_for(world.reviewer), *next(fields_pointing_to(Measure)))
    assert found == set(Measure.objects.values_list("pk", flat=True))


def export_rows(client, query=""):
    url = reverse("admin:measures_measure_export") + query
    page = client.get(url)
    assert page.status_code == 200
    data = {"format": "0", "resource": "0", "csrfmiddlewaretoken": csrf_token(client, page)}
    for field in MeasureExportResource().get_export_order():
        data[f"measureexportresource_{field}"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_editor_s_export_holds_only_their_organisation_s_measures(world):
    rows = export_rows(client_for(world.editor))
    assert {int(row["id"]) for row in rows} == ids(world.own.values())


def test_the_export_follows_the_changelist_filters(world):
    rows = export_rows(client_for(world.reviewer), "?status__exact=published")
    assert {row["title"] for row in rows} == {"Own published", "Other published", "Party published"}


def test_an_editor_cannot_import_for_another_organisation(world, monkeypatch):
    from imports.models import ImportJob
    from tests.support.imports import import_through_the_back_office

    world.party.iso3 = "HOM"
    world.party.save()
    before = Measure.objects.count()
    content = b"title,party,reported_by,organisation\nSneaky,HOM,civil_society,other-coalition\n"
    job = import_through_the_back_office(client_for(world.editor), monkeypatch, content)
    assert job.state == ImportJob.State.INVALID
    assert job.problems.get().column == "organisation"
    assert Measure.objects.count() == before


def test_the_index_panel_lists_only_the_editor_s_own_returned_measures(world):
    response = client_for(world.editor).get(reverse("admin:index"))
    assert "Own returned" in response.text
    assert "Other returned" not in response.text
    assert response.text.index("Own returned") < response.text.index("Own draft")


@pytest.mark.parametrize("status", [s for s in STATUSES if s != Measure.Status.PUBLISHED])
def test_the_public_never_sees_an_unpublished_measure(client, world, status):
    measure = world.others[status]
    assert client.get(measure.get_absolute_url()).status_code == 404


def test_the_own_change_page_works_for_the_editor(world):
    response = client_for(world.editor).get(change_url(world.own[Measure.Status.RETURNED]))
    assert response.status_code == 200
