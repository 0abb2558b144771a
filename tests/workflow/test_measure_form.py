"""The measure form: review buttons that save first, nothing typed lost, limits shown not cut, the reporting form's
order, the classification as checkbox lists, the organisations and reports each role may choose."""

import datetime
import re

import pytest

from measures.models import AreaOfMonitoring, Goal, Measure, PeriodicReport, ReportingCycle
from tests.factories import make_organisation
from tests.support.workflow import World, change_url, client_for, csrf_token, form_data

pytestmark = pytest.mark.django_db

Status = Measure.Status


@pytest.fixture
def world(db):
    return World()


def post_form(client, measure, **overrides):
    page = client.get(change_url(measure))
    assert page.status_code == 200
    return client.post(
        change_url(measure), form_data(measure, page, csrfmiddlewaretoken=csrf_token(client, page), **overrides)
    )


class TestReviewButtonsSaveFirst:
    def test_submit_saves_what_was_typed_then_submits(self, world):
        measure = world.civil_society_measure()
        response = post_form(client_for(world.editor), measure, results="Typed, never saved.", _move="submit")
        assert response.status_code == 302 and response["Location"] == change_url(measure)
        measure.refresh_from_db()
        assert (measure.status, measure.results) == (Status.SUBMITTED, "Typed, never saved.")
        assert measure.transitions.get().to_status == Status.SUBMITTED
        # One history record for the edit, one for the move, both by the editor.
        assert [record.status for record in measure.history.order_by("history_date", "history_id")][-2:] == [
            Status.DRAFT,
            Status.SUBMITTED,
        ]

    def test_a_form_error_moves_nothing_and_keeps_what_was_typed(self, world):
        measure = world.civil_society_measure()
        response = post_form(
            client_for(world.editor), measure, title="", results="Kept whole.", period_start="2020", period_end="2019"
        )
        assert response.status_code == 200
        assert "Kept whole." in response.text
        measure.refresh_from_db()
        assert measure.status == Status.DRAFT and measure.results == ""

        response = post_form(client_for(world.editor), measure, title="", results="Kept whole.", _move="submit")
        assert response.status_code == 200
        assert "Kept whole." in response.text
        measure.refresh_from_db()
        assert (measure.status, measure.results) == (Status.DRAFT, "")
        assert not measure.transitions.exists()

    def test_return_needs_a_comment_and_keeps_everything_typed_without_one(self, world):
        measure = world.civil_society_measure(status=Status.SUBMITTED)
        client = client_for(world.reviewer)
        response = post_form(
            client, measure, main_features="Edited by the secretariat.", _move="return", move_comment=""
        )
        assert response.status_code == 200
        assert "Please write a comment" in response.text and "Edited by the secretariat." in response.text
        measure.refresh_from_db()
        assert (measure.status, measure.main_features) == (Status.SUBMITTED, "")

        response = post_form(
            client, measure, main_features="Edited by the secretariat.", _move="return", move_comment="Add results."
        )
        assert response.status_code == 302
        measure.refresh_from_db()
        assert (measure.status, measure.main_features) == (Status.RETURNED, "Edited by the secretariat.")
        assert measure.transitions.get().comment == "Add results."

    @pytest.mark.parametrize(("status", "move"), [(Status.SUBMITTED, "publish"), (Status.PUBLISHED, "withdraw")])
    def test_the_secretariat_s_moves_save_the_form_too(self, world, status, move):
        measure = world.civil_society_measure(status=status)
        post_form(client_for(world.reviewer), measure, title="Retitled", _move=move, move_comment="A reason.")
        measure.refresh_from_db()
        assert measure.title == "Retitled"
        assert measure.status == {"publish": Status.PUBLISHED, "withdraw": Status.WITHDRAWN}[move]

    @pytest.mark.parametrize("move", ["publish", "explode", "withdraw"])
    def test_a_move_not_allowed_now_saves_nothing(self, world, move):
        measure = world.civil_society_measure()
        response = post_form(client_for(world.editor), measure, results="Typed.", _move=move, move_comment="x")
        assert response.status_code == 200
        assert "Typed." in response.text
        measure.refresh_from_db()
        assert (measure.status, measure.results) == (Status.DRAFT, "")


class TestLengths:
    def test_a_title_too_long_is_an_error_with_the_whole_text_kept(self, world):
        measure = world.civil_society_measure()
        page = client_for(world.editor).get(change_url(measure)).text
        title = re.search(r"<textarea [^>]*name=\"title\"[^>]*>", page).group(0)
        assert 'rows="2"' in title and "maxlength" not in title and 'data-max-length="500"' in title
        assert 'src="/static/js/char_count.js"' in page and 'src="/static/js/unsaved_changes.js"' in page
        long_title = "A" * 10_000
        response = post_form(client_for(world.editor), measure, title=long_title)
        assert response.status_code == 200
        assert "at most 500 characters (it has 10000)" in response.text
        assert long_title in response.text
        measure.refresh_from_db()
        assert measure.title != long_title


class TestLayout:
    def test_the_form_follows_the_reporting_form_with_partners_after_the_resources(self, world, reference_data):
        measure = world.civil_society_measure()
        page = client_for(world.editor).get(change_url(measure)).text
        order = [
            'name="title"',
            'name="main_features"',
            'name="results"',
            'name="financial_resources"',
            'name="partners-TOTAL_FORMS"',
            'name="evaluated"',
            'name="areas"',
            'name="domains"',
            'name="is_youth"',
            'name="source_url"',
        ]
        positions = [page.index(marker) for marker in order]
        assert positions == sorted(positions)

    def test_areas_are_checkboxes_with_whole_names_grouped_under_their_goal(self, world, reference_data):
        measure = world.civil_society_measure()
        page = client_for(world.editor).get(change_url(measure)).text
        assert 'type="checkbox" name="areas"' in page and 'type="checkbox" name="domains"' in page
        assert 'type="checkbox" name="goals_ticked"' in page
        assert "<select" not in re.search(r'<div[^>]*id="id_areas".*?</div>\s*</div>', page, re.S).group(0)
        for goal in Goal.objects.all():
            areas = AreaOfMonitoring.objects.filter(goal=goal)
            heading = page.index(f"<label>{goal}</label>")
            for area in areas:
                assert page.index(f"{area}</label>") > heading
        assert "…" not in re.search(r'id="id_areas".*?</fieldset>', page, re.S).group(0)


class TestChoices:
    """Refused on the server whatever the form was sent with."""

    @pytest.fixture
    def bodies(self, world):
        world.ministry = make_organisation(name="Home ministry", kind="government", country=world.party)
        world.org.country = world.party
        world.org.save()
        return world

    def test_a_focal_point_cannot_credit_their_party_s_measure_to_a_civil_society_organisation(self, bodies):
        world = bodies
        measure = world.party_measure()
        client = client_for(world.focal_point)
        response = post_form(client, measure, organisation=world.org.pk, results="Typed.")
        assert response.status_code == 200
        assert "may name only one of that Party&#x27;s public bodies" in response.text
        measure.refresh_from_db()
        assert measure.organisation is None and measure.results == ""
        response = post_form(client, measure, organisation=world.ministry.pk)
        assert response.status_code == 302
        measure.refresh_from_db()
        assert measure.organisation == world.ministry

    def test_the_secretariat_may_credit_any_organisation(self, bodies):
        world = bodies
        measure = world.party_measure()
        assert post_form(client_for(world.reviewer), measure, organisation=world.org.pk).status_code == 302
        measure.refresh_from_db()
        assert measure.organisation == world.org

    def test_an_editor_picks_among_their_party_s_reports_only(self, bodies):
        world = bodies
        cycle = ReportingCycle.objects.create(year=2031, deadline=datetime.date(2031, 4, 30))
        own = PeriodicReport.objects.create(party=world.party, cycle=cycle)
        other = PeriodicReport.objects.create(party=world.other_party, cycle=cycle)
        measure = world.civil_society_measure()
        client = client_for(world.editor)
        page = client.get(change_url(measure)).text
        select = re.search(r'<select name="periodic_report".*?</select>', page, re.S).group(0)
        assert f'value="{own.pk}"' in select and f'value="{other.pk}"' not in select
        assert post_form(client, measure, periodic_report=own.pk).status_code == 302
        measure.refresh_from_db()
        assert measure.periodic_report == own
        response = post_form(client, measure, periodic_report=other.pk)
        assert response.status_code == 200
        measure.refresh_from_db()
        assert measure.periodic_report == own

    def test_a_report_of_another_party_is_refused_even_for_the_secretariat(self, bodies):
        world = bodies
        cycle = ReportingCycle.objects.create(year=2031, deadline=datetime.date(2031, 4, 30))
        other = PeriodicReport.objects.create(party=world.other_party, cycle=cycle)
        measure = world.party_measure()
        response = post_form(client_for(world.reviewer), measure, periodic_report=other.pk)
        assert response.status_code == 200 and "This report is another Party" in response.text


class TestFocalPointReport:
    def test_a_focal_point_creates_their_party_s_report_from_the_measure_form(self, world):
        cycle = ReportingCycle.objects.create(year=2031, deadline=datetime.date(2031, 4, 30))
        measure = world.party_measure()
        client = client_for(world.focal_point)
        page = client.get(change_url(measure)).text
        # The report field offers to add one, in a window of its own over the form (the admin's related popup).
        add_link = re.search(
            r'<a class="related-widget-wrapper-link add-related" id="add_id_periodic_report"[^>]*>', page
        )
        assert add_link is not None
        add_url = re.search(r'href="([^"]+)"', add_link.group(0)).group(1).replace("&amp;", "&")
        popup = client.get(add_url)
        assert popup.status_code == 200
        response = client.post(
            add_url,
            {
                "party": world.party.pk,
                "cycle": cycle.pk,
                "status": "draft",
                "language": "en",
                "_popup": "1",
                "csrfmiddlewaretoken": csrf_token(client, popup),
            },
        )
        assert response.status_code == 200
        assert "popup_response" in response.text or "data-popup-response" in response.text
        report = PeriodicReport.objects.get(party=world.party, cycle=cycle)
        assert post_form(client, measure, periodic_report=report.pk).status_code == 302
        measure.refresh_from_db()
        assert measure.periodic_report == report
