"""Several server processes, each with its own memory as the page cache (no REDIS_URL), against one database: a
change made in any process is seen by every other at once, never an old page from a worker's memory."""

import pytest

from measures import workflow
from measures.models import Measure
from tests.factories import make_measure
from tests.support.processes import Server
from tests.support.workflow import ensure_role_groups, make_user

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESSES = ["/measures/", "/measures/feed/", "/api/v1/measures/", "/parties/can/", "/fr/measures/"]


def test_a_withdrawal_is_seen_by_every_worker_at_once(reference_data):
    ensure_role_groups()
    reviewer = make_user("reviewer", "Secretariat reviewers")
    from measures.models import Party

    canada = Party.objects.get(iso3="CAN")
    measure = make_measure(party=canada, title="Quota seen by two workers", status=Measure.Status.PUBLISHED)
    with Server() as first, Server() as second:
        for server in (first, second):
            for path in ADDRESSES:
                for _ in range(2):  # the second answer comes from the worker's own cache
                    status, body = server.get(path)
                    assert status == 200, (path, server.output())
                    assert b"Quota seen by two workers" in body, path

        workflow.transition(measure, workflow.Move.WITHDRAW, reviewer, comment="Reported twice.")

        for server in (first, second):
            for path in ADDRESSES:
                status, body = server.get(path)
                assert status == 200, path
                assert b"Quota seen by two workers" not in body, (server.port, path)

        make_measure(party=canada, title="Newly published in one process", status=Measure.Status.PUBLISHED)
        for server in (second, first):
            for path in ADDRESSES:
                assert b"Newly published in one process" in server.get(path)[1], (server.port, path)
