"""The review workflow: its moves and refusals, the log, the mail, the field history and the admin pages."""

import itertools
import logging
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from measures import workflow
from measures.models import Measure, MeasureTransition
from measures.workflow import Move
from tests.support.workflow import World, change_url, client_for, csrf_token, form_data, transition_url

pytestmark = pytest.mark.django_db

Status = Measure.Status

LEGAL = {
    (Status.DRAFT, Move.SUBMIT): Status.SUBMITTED,
    (Status.RETURNED, Move.SUBMIT): Status.SUBMITTED,
    (Status.SUBMITTED, Move.TAKE_BACK): Status.DRAFT,
    (Status.SUBMITTED, Move.RETURN): Status.RETURNED,
    (Status.SUBMITTED, Move.PUBLISH): Status.PUBLISHED,
    (Status.PUBLISHED, Move.WITHDRAW): Status.WITHDRAWN,
}
ILLEGAL = [pair for pair in itertools.product(Status.values, Move.values) if pair not in LEGAL]


class ExplodingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


@pytest.fixture
def world(db):
    return World()


class TestMoves:
    @pytest.mark.parametrize(("source", "move"), list(LEGAL), ids=lambda value: str(value))
    def test_each_legal_move_changes_the_status_and_is_logged(self, world, source, move):
        measure = world.civil_society_measure(status=source)
        step = workflow.transition(measure, move, world.reviewer, comment="Reason given.")
        measure.refresh_from_db()
        assert measure.status == LEGAL[source, move]
        assert measure.version == 2
        assert measure.updated_by == world.reviewer
        assert (step.measure, step.from_status, step.to_status, step.actor, step.comment) == (
            measure,
            source,
            LEGAL[source, move],
            world.reviewer,
            "Reason given.",
        )
        assert step.created_at is not None

    @pytest.mark.parametrize(("source", "move"), ILLEGAL, ids=lambda value: str(value))
    def test_every_other_move_is_refused_and_changes_nothing(self, world, source, move):
        measure = world.civil_society_measure(status=source)
        with pytest.raises(workflow.MoveNotAllowed):
            workflow.transition(measure, move, world.superuser, comment="Trying.")
        measure.refresh_from_db()
        assert (measure.status, measure.version) == (source, 1)
        assert not MeasureTransition.objects.exists()

    def test_a_refusal_says_why(self, world):
        measure = world.civil_society_measure(status=Status.PUBLISHED)
        with pytest.raises(workflow.MoveNotAllowed, match="Only a submitted measure can be returned"):
            workflow.transition(measure, Move.RETURN, world.reviewer, comment="Too late.")
        draft = world.civil_society_measure(status=Status.SUBMITTED)
        with pytest.raises(workflow.MoveNotAllowed, match="Only the secretariat can publish"):
            workflow.transition(draft, Move.PUBLISH, world.editor)

    @pytest.mark.parametrize(("source", "move"), [(Status.SUBMITTED, Move.RETURN), (Status.PUBLISHED, Move.WITHDRAW)])
    def test_return_and_withdrawal_need_a_comment(self, world, source, move):
        measure = world.civil_society_measure(status=source)
        with pytest.raises(workflow.CommentRequired):
            workflow.transition(measure, move, world.reviewer, comment="  \n ")
        measure.refresh_from_db()
        assert measure.status == source

    def test_an_unknown_move_is_refused(self, world):
        with pytest.raises(workflow.MoveNotAllowed):
            workflow.transition(world.civil_society_measure(), "approve", world.reviewer)

    def test_publishing_stamps_the_publication_date_and_the_public_sees_it(self, world):
        measure = world.civil_society_measure(status=Status.SUBMITTED)
        workflow.transition(measure, Move.PUBLISH, world.reviewer)
        measure.refresh_from_db()
        assert measure.published_at is not None
        assert list(Measure.objects.published()) == [measure]

    def test_the_whole_round_trip_is_logged_in_order(self, world):
        measure = world.civil_society_measure()
        workflow.transition(measure, Move.SUBMIT, world.editor)
        workflow.transition(measure, Move.RETURN, world.reviewer, comment="Add the budget.")
        workflow.transition(measure, Move.SUBMIT, world.editor, comment="Budget added.")
        workflow.transition(measure, Move.PUBLISH, world.reviewer)
        steps = list(measure.transitions.order_by("created_at", "pk").values_list("to_status", "actor__username"))
        assert steps == [
            ("submitted", "editor"),
            ("returned", "reviewer"),
            ("submitted", "editor"),
            ("published", "reviewer"),
        ]
        assert measure.version == 5

    def test_allowed_moves_follow_role_and_status(self, world):
        submitted = world.civil_society_measure(status=Status.SUBMITTED)
        assert [rule.move for rule in workflow.allowed_moves(world.editor, submitted)] == [Move.TAKE_BACK]
        assert [rule.move for rule in workflow.allowed_moves(world.reviewer, submitted)] == [
            Move.TAKE_BACK,
            Move.RETURN,
            Move.PUBLISH,
        ]
        assert workflow.allowed_moves(world.other_editor, submitted) == []


class TestMail:
    def test_a_submission_is_mailed_to_the_reviewers_only_once_committed(
        self, world, mailoutbox, django_capture_on_commit_callbacks
    ):
        measure = world.civil_society_measure()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            workflow.transition(measure, Move.SUBMIT, world.editor, site_url="https://portal.example.org")
            assert mailoutbox == []
        mailing = [callback for callback in callbacks if getattr(callback, "func", None) is workflow.notify]
        assert len(mailing) == 1
        assert sorted(message.to[0] for message in mailoutbox) == [
            "reviewer@example.org",
            "second-reviewer@example.org",
        ]
        message = mailoutbox[0]
        assert measure.title in message.subject
        assert f"https://portal.example.org/admin/measures/measure/{measure.pk}/change/" in message.body

    @pytest.mark.parametrize(
        ("source", "move"), [(Status.SUBMITTED, Move.RETURN), (Status.SUBMITTED, Move.PUBLISH)], ids=str
    )
    def test_return_and_publication_are_mailed_to_the_organisation_s_editors(
        self, world, mailoutbox, django_capture_on_commit_callbacks, source, move
    ):
        measure = world.civil_society_measure(status=source)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.transition(measure, move, world.reviewer, comment="Please add the partners.")
        assert [message.to for message in mailoutbox] == [["editor@example.org"]]
        if move == Move.RETURN:
            assert "Please add the partners." in mailoutbox[0].body

    def test_each_person_is_mailed_in_their_own_language(self, world, mailoutbox, django_capture_on_commit_callbacks):
        world.reviewer.language = "fr"
        world.reviewer.save()
        world.second_reviewer.language = "es"
        world.second_reviewer.save()
        measure = world.civil_society_measure(title="Une mesure")
        with django_capture_on_commit_callbacks(execute=True):
            workflow.transition(measure, Move.SUBMIT, world.editor, site_url="https://portal.example.org")
        by_address = {message.to[0]: message for message in mailoutbox}
        french, spanish = by_address["reviewer@example.org"], by_address["second-reviewer@example.org"]
        assert french.subject == "À examiner : « Une mesure »"
        assert french.extra_headers["Content-Language"] == "fr"
        assert spanish.extra_headers["Content-Language"] == "es"
        assert "Une mesure" in spanish.subject and spanish.subject != french.subject
        measure.status = Status.SUBMITTED
        measure.save()
        world.editor.language = "es"
        world.editor.save()
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            workflow.transition(measure, Move.PUBLISH, world.reviewer, site_url="https://portal.example.org")
        (message,) = mailoutbox
        assert message.extra_headers["Content-Language"] == "es"
        # The public page's address in the reader's language.
        assert f"https://portal.example.org/es/measures/{measure.pk}/" in message.body

    def test_a_party_s_measure_is_mailed_to_its_focal_points(
        self, world, mailoutbox, django_capture_on_commit_callbacks
    ):
        measure = world.party_measure(status=Status.SUBMITTED)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.transition(measure, Move.PUBLISH, world.reviewer)
        assert [message.to for message in mailoutbox] == [["focal-point@example.org"]]

    def test_taking_back_sends_no_mail(self, world, mailoutbox, django_capture_on_commit_callbacks):
        measure = world.civil_society_measure(status=Status.SUBMITTED)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.transition(measure, Move.TAKE_BACK, world.editor)
        assert mailoutbox == []

    def test_a_refused_move_sends_no_mail(self, world, mailoutbox, django_capture_on_commit_callbacks):
        measure = world.civil_society_measure(status=Status.DRAFT)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(workflow.MoveNotAllowed):
            workflow.transition(measure, Move.PUBLISH, world.reviewer)
        assert mailoutbox == []

    def test_a_failing_mail_server_never_loses_the_move(
        self, world, settings, caplog, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = "tests.workflow.test_workflow.ExplodingBackend"
        measure = world.civil_society_measure(status=Status.SUBMITTED)
        with (
            caplog.at_level(logging.ERROR, logger="measures.workflow"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            workflow.transition(measure, Move.RETURN, world.reviewer, comment="Fix the dates.")
        measure.refresh_from_db()
        assert measure.status == Status.RETURNED
        assert measure.transitions.get().comment == "Fix the dates."
        assert "Could not send the mail" in caplog.text

    def test_a_failing_mail_server_never_loses_a_move_made_in_the_admin(
        self, world, settings, caplog, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = "tests.workflow.test_workflow.ExplodingBackend"
        measure = world.civil_society_measure(status=Status.DRAFT)
        client = client_for(world.editor)
        token = csrf_token(client, change_url(measure))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(transition_url(measure, "submit"), {"csrfmiddlewaretoken": token}, follow=True)
        assert response.status_code == 200
        assert "was submitted for review" in response.text
        measure.refresh_from_db()
        assert measure.status == Status.SUBMITTED
        assert "Could not send the mail" in caplog.text


class TestHistory:
    def test_a_move_is_in_the_field_history_with_who_and_why(self, world):
        measure = world.civil_society_measure(status=Status.SUBMITTED)
        workflow.transition(measure, Move.PUBLISH, world.reviewer)
        latest, previous = measure.history.all()[:2]
        assert latest.history_user == world.reviewer
        assert latest.history_change_reason == "Publish"
        delta = latest.diff_against(previous)
        assert {change.field: (change.old, change.new) for change in delta.changes}["status"] == (
            "submitted",
            "published",
        )

    def test_a_save_in_the_admin_records_who_changed_which_field(self, world):
        measure = world.civil_society_measure(title="Before")
        client = client_for(world.editor)
        page = client.get(change_url(measure))
        token = csrf_token(client, page)
        client.post(
            change_url(measure),
            form_data(measure, page, title="After", results="Some results.", csrfmiddlewaretoken=token),
        )
        latest = measure.history.latest()
        assert latest.history_user == world.editor
        changed = {change.field for change in latest.diff_against(latest.prev_record).changes}
        assert {"title", "results"} <= changed
        history_page = client.get(reverse("admin:measures_measure_history", args=[measure.pk]))
        assert history_page.status_code == 200
        assert "After" in history_page.text
        assert "editor" in history_page.text

    def test_areas_and_domains_have_history_too(self, world):
        from measures.models import AreaOfMonitoring, CulturalDomain
        from tests.factories import make_goal

        area = AreaOfMonitoring.objects.create(name_en="Media diversity", slug="media-diversity", goal=make_goal(1))
        domain = CulturalDomain.objects.create(name_en="Music", slug="music")
        measure = world.civil_society_measure()
        measure.areas.add(area)
        measure.domains.add(domain)
        latest = measure.history.latest()
        assert list(latest.areas.values_list("areaofmonitoring_id", flat=True)) == [area.pk]
        assert list(latest.domains.values_list("culturaldomain_id", flat=True)) == [domain.pk]

    def test_the_bulk_publish_action_goes_through_the_workflow_with_history(
        self, world, mailoutbox, django_capture_on_commit_callbacks
    ):
        first = world.civil_society_measure(status=Status.SUBMITTED, title="First")
        second = world.party_measure(status=Status.SUBMITTED, title="Second")
        draft = world.civil_society_measure(status=Status.DRAFT, title="Still a draft")
        client = client_for(world.reviewer)
        changelist = reverse("admin:measures_measure_changelist")
        token = csrf_token(client, changelist)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                changelist,
                {
                    "action": "publish_selected",
                    "_selected_action": [first.pk, second.pk, draft.pk],
                    "csrfmiddlewaretoken": token,
                },
                follow=True,
            )
        assert response.status_code == 200
        for measure in (first, second):
            measure.refresh_from_db()
            assert measure.status == Status.PUBLISHED
            assert measure.history.latest().history_user == world.reviewer
            assert measure.history.latest().history_change_reason == "Publish"
            assert measure.transitions.get().actor == world.reviewer
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT
        assert "Still a draft" in response.text and "Only a submitted measure can be published" in response.text
        assert len(mailoutbox) == 2

    def test_the_editor_has_no_bulk_publish_action(self, world):
        response = client_for(world.editor).get(reverse("admin:measures_measure_changelist"))
        actions = [choice[0] for choice in response.context["action_form"].fields["action"].choices]
        assert "submit_selected" in actions
        assert "publish_selected" not in actions
        assert "delete_selected" not in actions


class TestAdminPages:
    def test_the_editor_reads_the_reviewer_s_comment_beside_the_form(self, world):
        measure = world.civil_society_measure(status=Status.SUBMITTED)
        workflow.transition(measure, Move.RETURN, world.reviewer, comment="Please give the budget in USD.")
        response = client_for(world.editor).get(change_url(measure))
        text = response.text
        assert "Returned by the secretariat with this comment" in text
        assert "Please give the budget in USD." in text
        assert text.index("Please give the budget in USD.") < text.index('id="measure_form"')
        assert ' name="title"' in text

    def test_the_change_page_lists_every_move_with_who_and_comment(self, world):
        measure = world.civil_society_measure()
        workflow.transition(measure, Move.SUBMIT, world.editor, comment="Ready.")
        workflow.transition(measure, Move.PUBLISH, world.reviewer)
        response = client_for(world.reviewer).get(change_url(measure))
        assert "Review history" in response.text
        assert response.text.count("<td>editor</td>") == 1
        assert response.text.count("<td>reviewer</td>") == 1
        assert "Ready." in response.text

    def test_the_buttons_are_the_moves_this_user_may_make(self, world):
        measure = world.civil_society_measure(status=Status.SUBMITTED)
        page = client_for(world.reviewer).get(change_url(measure)).text
        # The reviewer may change the form: each move is a button of the form, which saves it first.
        for move in ("take_back", "return", "publish"):
            assert f'<button type="submit" class="button" name="_move" value="{move}">' in page
        for move in ("submit", "withdraw"):
            assert f'value="{move}"' not in page
        assert 'name="move_comment"' in page
        # The editor may not change a submitted measure: taking it back is a form of its own.
        page = client_for(world.editor).get(change_url(measure)).text
        assert f'<form method="post" action="{transition_url(measure, "take_back")}">' in page
        assert 'name="_move"' not in page and 'name="move_comment"' not in page

    def test_a_move_through_the_admin_confirms_and_redirects_to_the_measure(self, world):
        measure = world.civil_society_measure(status=Status.SUBMITTED)
        client = client_for(world.reviewer)
        page = client.get(transition_url(measure, "return"))
        response = client.post(
            transition_url(measure, "return"),
            {"comment": "Partners are missing.", "csrfmiddlewaretoken": csrf_token(client, page)},
            follow=True,
        )
        assert response.redirect_chain == [(change_url(measure), 302)]
        assert "was returned to its editors" in response.text
        measure.refresh_from_db()
        assert measure.status == Status.RETURNED

    def test_a_comment_with_control_characters_is_refused_and_kept_in_the_form(self, world):
        measure = world.civil_society_measure(status=Status.SUBMITTED)
        client = client_for(world.reviewer)
        page = client.get(transition_url(measure, "return"))
        typed = "Partners are\x07 missing."
        response = client.post(
            transition_url(measure, "return"), {"comment": typed, "csrfmiddlewaretoken": csrf_token(client, page)}
        )
        assert response.status_code == 200
        assert "contains invisible control characters" in response.text
        assert "Partners are\x07 missing.</textarea>" in response.text
        measure.refresh_from_db()
        assert measure.status == Status.SUBMITTED
        assert not MeasureTransition.objects.exists()

    def test_the_workflow_itself_refuses_a_comment_with_control_characters(self, world):
        measure = world.civil_society_measure(status=Status.SUBMITTED)
        with pytest.raises(workflow.CommentRefused):
            workflow.transition(measure, Move.RETURN, world.reviewer, comment="Bad\x00comment")
        measure.refresh_from_db()
        assert measure.status == Status.SUBMITTED

    def test_a_move_made_stale_by_someone_else_shows_a_clear_message(self, world):
        measure = world.civil_society_measure(status=Status.SUBMITTED)
        client = client_for(world.second_reviewer)
        token = csrf_token(client, change_url(measure))
        workflow.transition(measure, Move.PUBLISH, world.reviewer)
        response = client.post(
            transition_url(measure, "return"), {"comment": "Too late?", "csrfmiddlewaretoken": token}, follow=True
        )
        assert "Only a submitted measure can be returned; its status is now “Published”." in response.text
        measure.refresh_from_db()
        assert measure.status == Status.PUBLISHED

    def test_the_index_tells_reviewers_how_many_measures_wait(self, world):
        for _ in range(3):
            world.civil_society_measure(status=Status.SUBMITTED)
        world.civil_society_measure(status=Status.DRAFT)
        response = client_for(world.reviewer).get(reverse("admin:index"))
        assert "3 measures wait for review" in response.text
        assert "?status__exact=submitted" in response.text

    def test_the_index_shows_editors_their_returned_measures_first(self, world):
        world.civil_society_measure(status=Status.DRAFT, title="A draft")
        world.civil_society_measure(status=Status.RETURNED, title="Came back")
        text = client_for(world.editor).get(reverse("admin:index")).text
        assert "Returned to you for changes" in text
        assert text.index("Came back") < text.index("A draft") < text.index('id="content-main"')

    def test_the_status_filter_lists_one_status(self, world):
        world.civil_society_measure(status=Status.SUBMITTED, title="Waiting")
        world.civil_society_measure(status=Status.DRAFT, title="Not yet")
        response = client_for(world.reviewer).get(
            reverse("admin:measures_measure_changelist"), {"status__exact": "submitted"}
        )
        assert [measure.title for measure in response.context["cl"].result_list] == ["Waiting"]

    def test_the_changelist_runs_a_fixed_number_of_queries(self, world, django_assert_max_num_queries):
        for number in range(15):
            world.civil_society_measure(title=f"Measure {number}")
        client = client_for(world.editor)
        client.get(reverse("admin:measures_measure_changelist"))
        # savepoint and release, session, user, its user and group permissions, its memberships, the goal, area
        # and domain filter choices, the Party, organisation and cycle filters' choices (among the measures the
        # user sees), count, one page of measures with party and organisation, the report-year filter: 16 however
        # many measures there are.
        with django_assert_max_num_queries(16):
            response = client.get(reverse("admin:measures_measure_changelist"))
        assert response.context["cl"].result_count == 15

    def test_only_a_published_measure_links_to_its_public_page(self, world):
        client = client_for(world.reviewer)
        draft = world.civil_society_measure(status=Status.DRAFT)
        published = world.civil_society_measure(status=Status.PUBLISHED)
        assert f'href="{draft.get_absolute_url()}"' not in client.get(change_url(draft)).text
        assert f'href="{published.get_absolute_url()}"' in client.get(change_url(published)).text


def test_the_change_page_links_to_the_preview_of_an_unpublished_measure(world):
    draft = world.civil_society_measure(status=Status.DRAFT)
    page = client_for(world.editor).get(change_url(draft)).text
    assert f'href="{reverse("measures:measure-preview", args=[draft.pk])}"' in page
    published = world.civil_society_measure(status=Status.PUBLISHED)
    page = client_for(world.reviewer).get(change_url(published)).text
    assert reverse("measures:measure-preview", args=[published.pk]) not in page
    assert published.get_absolute_url() in page
