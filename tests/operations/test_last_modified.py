"""Last-Modified moves forward on every public change, a withdrawal and a deletion included, so that a client
asking only If-Modified-Since never keeps a record the portal no longer shows (feed, API lists, sitemaps)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import parse_http_date

from convention_portal import page_cache
from core.models import PublicChange
from measures import workflow
from measures.models import Measure
from tests.factories import make_measure
from tests.support.public_change import age_last_change
from tests.support.workflow import ensure_role_groups, make_user

pytestmark = pytest.mark.django_db

ADDRESSES = ["/measures/feed/", "/api/v1/measures/", "/api/v1/meetings/", "/sitemap.xml", "/sitemap-measures.xml"]


@pytest.fixture
def older_and_newest(reference_data):
    older = make_measure(title="Older published quota", status=Measure.Status.PUBLISHED, report_year=2024)
    newest = make_measure(title="Newest published quota", status=Measure.Status.PUBLISHED, report_year=2024)
    Measure.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=30))
    age_last_change(120)
    return older, newest


def last_modified(response):
    return parse_http_date(response["Last-Modified"])


@pytest.mark.parametrize("url", ADDRESSES)
def test_a_withdrawal_moves_last_modified_forward(client, older_and_newest, url):
    _older, newest = older_and_newest
    before = client.get(url)
    assert before.status_code == 200
    ensure_role_groups()
    workflow.transition(newest, workflow.Move.WITHDRAW, make_user("reviewer", "Secretariat reviewers"), comment="x")
    age_last_change(60)
    after = client.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert after.status_code == 200
    assert last_modified(after) > last_modified(before)
    if "measures" in url and "sitemap" not in url:
        assert b"Newest published quota" in before.content
        assert b"Newest published quota" not in after.content


@pytest.mark.parametrize("url", ["/measures/feed/", "/api/v1/measures/"])
def test_a_deletion_moves_last_modified_forward(client, older_and_newest, url):
    _older, newest = older_and_newest
    before = client.get(url)
    Measure.objects.get(pk=newest.pk).delete()
    age_last_change(60)
    after = client.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert after.status_code == 200
    assert b"Newest published quota" not in after.content


@pytest.mark.parametrize("url", ["/measures/feed/", "/api/v1/measures/"])
def test_nothing_changed_answers_not_modified(client, older_and_newest, url):
    first = client.get(url)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


@pytest.mark.parametrize("url", ["/measures/feed/", "/api/v1/measures/"])
def test_no_date_while_the_last_change_is_under_a_second_old(client, older_and_newest, url):
    """A second change within the same second would carry the same date: none is given until it has passed."""
    _older, newest = older_and_newest
    newest.title = "Renamed published quota"
    newest.save()
    # The request must not cross into the next second, however slow the machine: the change is dated a little
    # ahead (as by a server whose clock runs ahead), which the same rule covers.
    PublicChange.objects.update(changed_at=timezone.now() + timedelta(seconds=5))
    response = client.get(url)
    assert response.status_code == 200
    assert b"Renamed published quota" in response.content
    assert not response.has_header("Last-Modified")
    an_hour_ago = page_cache.last_modified_header(timezone.now() - timedelta(hours=1))
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=an_hour_ago).status_code == 200


def test_work_on_a_draft_leaves_last_modified_alone(client, older_and_newest):
    older, _newest = older_and_newest
    first = client.get("/measures/feed/")
    make_measure(party=older.party, title="A draft in the making", status=Measure.Status.DRAFT)
    assert client.get("/measures/feed/")["Last-Modified"] == first["Last-Modified"]


def test_the_header_counts_whole_seconds():
    changed = timezone.now().replace(microsecond=900_000)
    assert page_cache.last_modified_header(changed, now=changed + timedelta(milliseconds=50)) is None
    later = changed + timedelta(milliseconds=200)  # the next second
    assert parse_http_date(page_cache.last_modified_header(changed, now=later)) == int(changed.timestamp())
