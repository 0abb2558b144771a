"""Two people acting on the same measure at once: one wins, the other is told, nothing is lost."""

import contextlib
import re
import threading

import pytest
from django.db import connection
from django.db.models.signals import pre_save

from measures import workflow
from measures.models import Measure
from measures.workflow import Move
from tests.support.workflow import World, change_url, client_for, csrf_token, form_data, make_user

Status = Measure.Status
HIDDEN_VERSION = re.compile(r'name="expected_version" value="(\d+)"')


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks (select_for_update is a no-op there) and lets one writer in at a time.",
)
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_acting_on_one_submission_at_the_same_moment_exactly_one_wins():
    world = World()
    measure = world.civil_society_measure(status=Status.SUBMITTED)
    start = threading.Barrier(2)
    # Both threads meet here just before saving, if they ever both get that far. Without the row lock they
    # would (each having read "submitted"); with it the second waits on its SELECT … FOR UPDATE and never
    # arrives, so the first goes on alone once the rendezvous times out.
    rendezvous = threading.Barrier(2, timeout=1)
    outcomes = {}

    def meet(sender, instance, **kwargs):
        if threading.current_thread().name.startswith("reviewer-"):
            with contextlib.suppress(threading.BrokenBarrierError):
                rendezvous.wait()

    def act(user, move, comment):
        try:
            start.wait()
            workflow.transition(Measure.objects.get(pk=measure.pk), move, user, comment)
            outcomes[move] = "won"
        except workflow.MoveNotAllowed as error:
            outcomes[move] = str(error)
        finally:
            connection.close()

    pre_save.connect(meet, sender=Measure, dispatch_uid="concurrency-rendezvous")
    try:
        threads = [
            threading.Thread(target=act, name="reviewer-publish", args=(world.reviewer, Move.PUBLISH, "")),
            threading.Thread(
                target=act, name="reviewer-return", args=(world.second_reviewer, Move.RETURN, "Needs work.")
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        pre_save.disconnect(sender=Measure, dispatch_uid="concurrency-rendezvous")

    assert sorted(outcomes) == [Move.PUBLISH, Move.RETURN]
    winners = [move for move, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1
    loser = (set(outcomes) - set(winners)).pop()
    measure.refresh_from_db()
    assert measure.status == workflow.TRANSITIONS[winners[0]].target
    assert "its status is now" in outcomes[loser]
    assert measure.transitions.count() == 1
    assert measure.version == 2


class TestTwoEditorsSaving:
    @pytest.fixture
    def world(self, db):
        world = World()
        world.colleague = make_user("colleague", "Civil-society editors", organisation=world.org)
        return world

    def open_form(self, user, measure):
        client = client_for(user)
        page = client.get(change_url(measure))
        assert page.status_code == 200
        version = int(HIDDEN_VERSION.search(page.text).group(1))
        return client, page, version

    def test_the_second_save_is_refused_and_keeps_what_was_typed(self, world):
        measure = world.civil_society_measure(title="Original title")
        first, first_page, first_version = self.open_form(world.editor, measure)
        second, second_page, second_version = self.open_form(world.colleague, measure)
        first_token, second_token = csrf_token(first, first_page), csrf_token(second, second_page)
        assert first_version == second_version == 1

        saved = first.post(
            change_url(measure),
            form_data(
                measure, first_page, title="First editor's title", expected_version=1, csrfmiddlewaretoken=first_token
            ),
        )
        assert saved.status_code == 302

        refused = second.post(
            change_url(measure),
            form_data(
                measure,
                second_page,
                title="Second editor's title",
                results="Results the second editor typed.",
                expected_version=1,
                csrfmiddlewaretoken=second_token,
            ),
        )
        assert refused.status_code == 200
        assert "Someone else saved this measure after you opened it" in refused.text
        assert "Second editor&#x27;s title</textarea>" in refused.text
        assert "Results the second editor typed." in refused.text
        measure.refresh_from_db()
        assert (measure.title, measure.results, measure.version) == ("First editor's title", "", 2)

        # The refused form now carries the current version: saving again, knowingly, replaces the first save.
        assert HIDDEN_VERSION.search(refused.text).group(1) == "2"
        replaced = second.post(
            change_url(measure),
            form_data(
                measure, refused, title="Second editor's title", expected_version=2, csrfmiddlewaretoken=second_token
            ),
        )
        assert replaced.status_code == 302
        measure.refresh_from_db()
        assert (measure.title, measure.version) == ("Second editor's title", 3)

    def test_a_save_after_a_move_by_someone_else_is_refused(self, world):
        measure = world.civil_society_measure(status=Status.SUBMITTED, title="Under review")
        client, page, version = self.open_form(world.reviewer, measure)
        workflow.transition(measure, Move.PUBLISH, world.second_reviewer)
        response = client.post(
            change_url(measure),
            form_data(
                measure,
                page,
                title="Edited meanwhile",
                expected_version=version,
                csrfmiddlewaretoken=csrf_token(client, page),
            ),
        )
        assert response.status_code == 200
        assert "Someone else saved this measure" in response.text
        measure.refresh_from_db()
        assert (measure.title, measure.status) == ("Under review", Status.PUBLISHED)

    def test_each_successful_save_bumps_the_version_once(self, world):
        measure = world.civil_society_measure()
        client, page, version = self.open_form(world.editor, measure)
        client.post(
            change_url(measure),
            form_data(measure, page, expected_version=version, csrfmiddlewaretoken=csrf_token(client, page)),
        )
        measure.refresh_from_db()
        assert measure.version == version + 1

    def test_claiming_a_stale_version_changes_nothing(self, world):
        measure = world.civil_society_measure()
        workflow.claim_version(measure, 1)
        with pytest.raises(workflow.StaleVersion):
            workflow.claim_version(Measure.objects.get(pk=measure.pk), 1)
        assert Measure.objects.get(pk=measure.pk).version == 2
