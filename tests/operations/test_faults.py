"""Faults: a write the database refuses half-way leaves nothing half-written; an unreachable database is a 503.

The refusals are real: a trigger makes the database itself refuse one INSERT, as a constraint would, in the
middle of a save that has already written other rows. The tests run outside a wrapping test transaction
(`transaction=True`), so each request commits or rolls back exactly as it does in production, where every
request is one transaction (ATOMIC_REQUESTS) and each workflow move another inside it.
"""

import contextlib

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.db import IntegrityError, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from convention_portal.errors import server_error
from measures import workflow
from measures.models import AreaOfMonitoring, CulturalDomain, Measure, MeasureTransition, Partner
from measures.workflow import Move
from tests.factories import make_goal
from tests.support.workflow import World, change_url, client_for, csrf_token, form_data, transition_url

pytestmark = pytest.mark.django_db(transaction=True)

Status = Measure.Status
REFUSED = "refused by the database"


@contextlib.contextmanager
def database_refuses_insert(table, when):
    """While active, the database refuses (as a check constraint does) every INSERT into `table` whose new row
    matches `when`, an SQL condition on NEW, e.g. "NEW.name = 'x'"."""
    name = f"refuse_insert_{table}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'check_violation'; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {name}()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW WHEN {when} "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER {name}" + (f" ON {table}" if connection.vendor == "postgresql" else ""))
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP FUNCTION {name}()")


def history_row_counts():
    """Rows in every history table (django-simple-history's models, their many-to-many tables included)."""
    return {
        model.__name__: model.objects.count() for model in apps.get_models() if model.__name__.startswith("Historical")
    }


def stored_state(measure):
    """Everything a save of `measure` may write, read back from the database."""
    measure = Measure.objects.get(pk=measure.pk)
    return {
        "fields": Measure.objects.filter(pk=measure.pk).values().get(),
        "partners": list(measure.partners.order_by("pk").values_list("pk", "name", "entity_type", "position")),
        "areas": sorted(measure.areas.values_list("pk", flat=True)),
        "domains": sorted(measure.domains.values_list("pk", flat=True)),
        "goals": sorted(measure.goals.values_list("pk", flat=True)),
        "transitions": list(measure.transitions.values_list("pk", flat=True)),
        "history": history_row_counts(),
        "admin log": LogEntry.objects.count(),
    }


@pytest.fixture
def world():
    return World()


class TestAdminSaveRefusedHalfWay:
    """A reviewer saves a measure: new title and classification, one partner renamed, two added. The database
    refuses the second new partner, after the measure, its links and the first partners are already written."""

    @pytest.fixture
    def measure(self, world):
        first_goal, second_goal = make_goal(1), make_goal(2)
        self.old_area = AreaOfMonitoring.objects.create(name_en="Media diversity", slug="media", goal=first_goal)
        self.new_area = AreaOfMonitoring.objects.create(name_en="Artistic freedom", slug="freedom", goal=second_goal)
        self.old_domain = CulturalDomain.objects.create(name_en="Music", slug="music")
        self.new_domain = CulturalDomain.objects.create(name_en="Publishing", slug="publishing")
        measure = world.civil_society_measure(title="Before", results="Old results.")
        measure.areas.add(self.old_area)
        measure.domains.add(self.old_domain)
        Measure.objects.filter(pk=measure.pk).refresh_classification()
        Partner.objects.create(measure=measure, name="Old partner", entity_type=Partner.EntityType.PUBLIC_SECTOR)
        measure.refresh_from_db()
        return measure

    def save(self, world, measure, second_new_partner):
        client = client_for(world.reviewer)
        page = client.get(change_url(measure))
        partner = measure.partners.get()
        data = form_data(
            measure,
            page,
            title="After",
            results="New results.",
            areas=[self.new_area.pk],
            domains=[self.new_domain.pk],
            csrfmiddlewaretoken=csrf_token(client, page),
        )
        rows = [
            {"id": partner.pk, "name": "Renamed partner", "entity_type": "public"},
            {"name": "New partner", "entity_type": "private"},
            {"name": second_new_partner, "entity_type": "civil_society"},
        ]
        data["partners-TOTAL_FORMS"] = str(len(rows))
        for index, row in enumerate(rows):
            for key, value in {"measure": measure.pk, "position": index, **row}.items():
                data[f"partners-{index}-{key}"] = value
        return client.post(change_url(measure), data)

    def test_when_the_database_refuses_a_partner_nothing_of_the_save_is_kept(self, world, measure):
        before = stored_state(measure)
        with (
            database_refuses_insert("measures_partner", "NEW.name = 'Refused partner'"),
            pytest.raises(IntegrityError, match=REFUSED),
        ):
            self.save(world, measure, second_new_partner="Refused partner")
        assert stored_state(measure) == before
        assert Measure.objects.get(pk=measure.pk).title == "Before"
        assert list(Measure.objects.get(pk=measure.pk).partners.values_list("name", flat=True)) == ["Old partner"]

    def test_the_same_save_goes_through_when_the_database_accepts_it(self, world, measure):
        before = stored_state(measure)
        with database_refuses_insert("measures_partner", "NEW.name = 'Refused partner'"):
            response = self.save(world, measure, second_new_partner="Accepted partner")
        assert response.status_code == 302
        measure.refresh_from_db()
        assert measure.title == "After"
        assert measure.version == before["fields"]["version"] + 1
        assert list(measure.partners.order_by("position").values_list("name", flat=True)) == [
            "Renamed partner",
            "New partner",
            "Accepted partner",
        ]
        assert list(measure.areas.all()) == [self.new_area]
        assert list(measure.domains.all()) == [self.new_domain]
        assert stored_state(measure)["history"]["HistoricalMeasure"] > before["history"]["HistoricalMeasure"]


class TestWorkflowMoveRefusedHalfWay:
    """A move first updates the measure's row (and its history), then logs the step. The database refuses the
    log entry: the measure keeps its status and version, and nobody is mailed."""

    def test_a_move_whose_log_entry_is_refused_changes_nothing(self, world, mailoutbox):
        measure = world.civil_society_measure(status=Status.SUBMITTED)
        before = stored_state(measure)
        with (
            database_refuses_insert("measures_measuretransition", "NEW.to_status = 'published'"),
            pytest.raises(IntegrityError, match=REFUSED),
        ):
            workflow.transition(measure, Move.PUBLISH, world.reviewer)
        assert stored_state(measure) == before
        assert Measure.objects.get(pk=measure.pk).status == Status.SUBMITTED
        assert mailoutbox == []

    def test_the_same_move_in_the_admin_changes_nothing(self, world, mailoutbox):
        measure = world.civil_society_measure(status=Status.SUBMITTED)
        before = stored_state(measure)
        client = client_for(world.reviewer)
        token = csrf_token(client, change_url(measure))
        with (
            database_refuses_insert("measures_measuretransition", "NEW.to_status = 'published'"),
            pytest.raises(IntegrityError, match=REFUSED),
        ):
            client.post(transition_url(measure, Move.PUBLISH), {"csrfmiddlewaretoken": token})
        assert stored_state(measure) == before
        assert mailoutbox == []

    def test_a_bulk_publish_refused_at_the_last_measure_publishes_none(self, world, mailoutbox):
        """Each move is its own transaction inside the request's: the request's rollback undoes the earlier ones."""
        measures = [world.civil_society_measure(status=Status.SUBMITTED, title=f"Measure {n}") for n in range(3)]
        before = [stored_state(measure) for measure in measures]
        client = client_for(world.reviewer)
        changelist = reverse("admin:measures_measure_changelist")
        token = csrf_token(client, changelist)
        with (
            database_refuses_insert("measures_measuretransition", f"NEW.measure_id = {measures[-1].pk}"),
            pytest.raises(IntegrityError, match=REFUSED),
        ):
            client.post(
                changelist,
                {
                    "action": "publish_selected",
                    "_selected_action": [measure.pk for measure in measures],
                    "csrfmiddlewaretoken": token,
                },
            )
        assert [stored_state(measure) for measure in measures] == before
        assert MeasureTransition.objects.count() == 0
        assert mailoutbox == []

    def test_without_a_refusal_the_bulk_publish_publishes_all_and_mails(self, world, mailoutbox):
        measures = [world.civil_society_measure(status=Status.SUBMITTED, title=f"Measure {n}") for n in range(3)]
        client = client_for(world.reviewer)
        changelist = reverse("admin:measures_measure_changelist")
        token = csrf_token(client, changelist)
        with database_refuses_insert("measures_measuretransition", "NEW.measure_id = 0"):
            response = client.post(
                changelist,
                {
                    "action": "publish_selected",
                    "_selected_action": [measure.pk for measure in measures],
                    "csrfmiddlewaretoken": token,
                },
            )
        assert response.status_code == 302
        assert set(Measure.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
        assert MeasureTransition.objects.count() == 3
        assert len(mailoutbox) == 3


class TestDatabaseUnreachable:
    """While the database restarts, pages say so with a 503 the client may retry, never a 500."""

    @pytest.mark.usefixtures("unreachable_database")
    @pytest.mark.parametrize(
        ("path", "language"),
        [("/measures/", "en"), ("/fr/measures/", "fr"), ("/parties/can/", "en"), ("/measures/1/", "en")],
    )
    def test_public_pages_answer_503_with_the_portal_s_page(self, path, language):
        response = Client(raise_request_exception=False).get(path)
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "no-cache" in response["Cache-Control"]
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        assert 'class="skip-link"' in html
        if language == "en":
            assert "The portal cannot reach its database right now." in html

    @pytest.mark.usefixtures("unreachable_database")
    def test_the_api_answers_503_in_json(self):
        response = Client(raise_request_exception=False).get("/api/v1/measures/")
        assert response.status_code == 503
        assert response["Content-Type"] == "application/json"
        assert "unavailable" in response.json()["detail"]

    @pytest.fixture
    def signed_in_client(self, world):
        client = client_for(world.reviewer)
        client.raise_request_exception = False
        return client

    @pytest.mark.parametrize("path", ["/admin/", "/measures/"])
    def test_a_signed_in_reviewer_gets_503_too(self, signed_in_client, unreachable_database, path):
        # Signed in before the database went away: the session and the user are read from it on each request.
        response = signed_in_client.get(path)
        assert response.status_code == 503

    def test_any_other_error_is_still_a_500(self):
        request = RequestFactory().get("/measures/")
        try:
            raise ValueError("a bug")
        except ValueError:
            response = server_error(request)
        assert response.status_code == 500
