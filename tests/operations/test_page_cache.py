"""Public pages cached for anonymous visitors: served without reading the records again (from a shared cache,
without touching the database at all), per address and language, never for signed-in users, and emptied by any
change to the data, whichever process made it."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from convention_portal import page_cache
from measures import workflow
from measures.models import AreaOfMonitoring, Measure, Partner
from tests.factories import make_measure
from tests.support.public_change import age_last_change
from tests.support.redis import require_local_redis
from tests.support.workflow import ensure_role_groups, make_user

pytestmark = pytest.mark.django_db


def reads_generation(sql):
    return "core_publicchange" in sql


def selects(client, url, **extra):
    """(response, number of SELECT statements the request ran), the page cache's own generation read aside."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, sum(
        1
        for query in queries
        if query["sql"].lstrip().upper().startswith("SELECT") and not reads_generation(query["sql"])
    )


@pytest.fixture
def shared_cache(tmp_path):
    """A cache every process on the machine reads (files), as Redis is for every machine."""
    files = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}}
    with override_settings(CACHES=files):
        yield


@pytest.fixture
def published(reference_data):
    return make_measure(title="Cached music quota", status=Measure.Status.PUBLISHED, report_year=2024)


@pytest.mark.parametrize("url", ["/", "/measures/", "/measures/?goal=1", "/parties/", "/stats/", "/meetings/"])
def test_second_anonymous_request_reads_only_the_generation(client, published, url):
    """From this process's memory, a cached page costs one query: the generation's row, by primary key."""
    first, first_selects = selects(client, url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first_selects > 0
    assert [reads_generation(query["sql"]) for query in queries] == [True]
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize("url", ["/", "/measures/?goal=1", "/parties/"])
def test_from_a_shared_cache_a_page_reads_nothing_from_the_database(client, published, shared_cache, url):
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert second.status_code == 200 and second.content == first.content
    assert len(queries) == 0


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_opens_no_database_connection(client, published, shared_cache, request):
    """Served from a shared cache, a page does not even wrap itself in a transaction: it stays up while the
    database is down, and pages not cached yet answer 503."""
    first = client.get("/parties/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/parties/").content == first.content
    assert len(queries) == 0
    request.getfixturevalue("unreachable_database")
    cached = client.get("/parties/")
    assert cached.status_code == 200
    assert cached.content == first.content
    client.raise_request_exception = False
    assert client.get("/stats/").status_code == 503


def test_measure_page_and_feed_are_cached_too(client, published):
    for url in (published.get_absolute_url(), "/measures/feed/"):
        first, _ = selects(client, url)
        second, second_selects = selects(client, url)
        assert second_selects == 0
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]


def test_each_address_and_language_has_its_own_entry(client, published):
    english = client.get("/measures/")
    french = client.get("/fr/measures/")
    filtered = client.get("/measures/?reported_by=civil_society")
    assert b"Measures" in english.content and b'lang="fr"' in french.content
    assert b"Cached music quota" not in filtered.content
    assert client.get("/measures/").content == english.content
    assert client.get("/fr/measures/").content == french.content
    assert b"Cached music quota" not in client.get("/measures/?reported_by=civil_society").content


def test_saving_a_measure_empties_the_cache(client, published):
    assert b"Cached music quota" in client.get("/measures/").content
    published.title = "Renamed music quota"
    published.save()
    page = client.get("/measures/").content
    assert b"Renamed music quota" in page
    assert b"Cached music quota" not in page


def test_publishing_and_withdrawing_show_at_once(client, published):
    draft = make_measure(title="Not yet public", status=Measure.Status.DRAFT)
    assert b"Not yet public" not in client.get("/measures/").content
    draft.status = Measure.Status.PUBLISHED
    draft.save()
    assert b"Not yet public" in client.get("/measures/").content
    Measure.objects.get(pk=draft.pk).delete()
    assert b"Not yet public" not in client.get("/measures/").content


def test_a_many_to_many_change_empties_the_cache(client, published):
    area = AreaOfMonitoring.objects.order_by("position").first()
    url = f"/measures/?area={area.slug}"
    assert b"Cached music quota" not in client.get(url).content
    published.areas.add(area)
    assert b"Cached music quota" in client.get(url).content


def still_cached(client, url):
    """Whether `url` is answered from the cache (no query at all)."""
    _response, queries = selects(client, url)
    return queries == 0


def test_work_on_a_draft_keeps_the_public_pages_cached(client, published):
    """Editors write drafts all day: none of it shows publicly, so none of it empties the cache."""
    client.get("/measures/")
    draft = make_measure(party=published.party, title="Work in progress", status=Measure.Status.DRAFT)
    draft.title = "Work in progress, second go"
    draft.save()
    draft.areas.add(AreaOfMonitoring.objects.order_by("position").first())
    Partner.objects.create(measure=draft, name="A partner", entity_type="other")
    draft.status = Measure.Status.SUBMITTED
    draft.save()
    stored = Measure.objects.get(pk=draft.pk)  # read back, as the admin does
    stored.title = "Work in progress, third go"
    stored.save()
    stored.delete()
    assert still_cached(client, "/measures/")


def test_publishing_then_withdrawing_the_same_object_shows_each_time(client, published):
    draft = make_measure(title="Short-lived measure", status=Measure.Status.DRAFT)
    assert b"Short-lived measure" not in client.get("/measures/").content
    draft.status = Measure.Status.PUBLISHED
    draft.save()
    assert b"Short-lived measure" in client.get("/measures/").content
    draft.status = Measure.Status.WITHDRAWN
    draft.save()  # no longer published, but it was: the public pages must drop it
    assert b"Short-lived measure" not in client.get("/measures/").content


def test_a_measure_read_without_its_status_counts_as_public(client, published):
    client.get("/measures/")
    measure = Measure.objects.only("title").get(pk=published.pk)
    assert measure.seen_by_the_public
    Measure.objects.defer("status").get(pk=published.pk).save(update_fields=["title"])
    assert not still_cached(client, "/measures/")


def test_a_partner_of_a_published_measure_empties_the_cache(client, published):
    client.get(published.get_absolute_url())
    Partner.objects.create(measure=published, name="Newly listed partner", entity_type="other")
    assert b"Newly listed partner" in client.get(published.get_absolute_url()).content


def test_a_partner_moved_from_a_published_measure_to_a_draft_leaves_its_page(client, published):
    partner = Partner.objects.create(measure=published, name="Moving partner", entity_type="other")
    assert b"Moving partner" in client.get(published.get_absolute_url()).content
    partner = Partner.objects.get(pk=partner.pk)
    partner.measure = make_measure(party=published.party, title="A draft", status=Measure.Status.DRAFT)
    partner.save()
    assert b"Moving partner" not in client.get(published.get_absolute_url()).content


def test_withdrawing_through_the_workflow_shows_at_once(client, published):
    ensure_role_groups()
    reviewer = make_user("reviewer", "Secretariat reviewers")
    assert b"Cached music quota" in client.get("/measures/").content
    workflow.transition(published, workflow.Move.WITHDRAW, reviewer, comment="Reported twice.")
    assert b"Cached music quota" not in client.get("/measures/").content


def test_a_change_to_the_experts_data_empties_the_cache(client, reference_data):
    from experts.models import Meeting

    meeting = Meeting.objects.order_by("pk").first()
    assert meeting.title.encode() in client.get("/meetings/").content
    meeting.title = "Renamed expert meeting"
    meeting.save()
    assert b"Renamed expert meeting" in client.get("/meetings/").content


def test_bulk_loads_empty_the_cache(client, published):
    client.get("/measures/")
    before = page_cache.generation()
    call_command("load_reference_data", stdout=io.StringIO())
    assert page_cache.generation() != before
    call_command("generate_demo_data", measures=5, seed=1, stdout=io.StringIO())
    response, queries = selects(client, "/measures/")
    assert queries > 0
    assert response.context["paginator"].count == Measure.objects.published().count()


def test_a_shared_cache_moves_on_again_when_the_transaction_commits(shared_cache, django_capture_on_commit_callbacks):
    before = page_cache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.invalidate()
        assert page_cache.generation() == before + 1
    assert page_cache.generation() == before + 2


def test_the_generation_row_moves_with_the_change_and_never_back(published):
    from core.models import PublicChange

    before = PublicChange.objects.get()
    page_cache.invalidate()
    after = PublicChange.objects.get()
    assert after.generation > before.generation
    assert after.changed_at >= before.changed_at
    PublicChange.objects.update(generation=after.generation + 10**18, changed_at=after.changed_at.replace(year=2100))
    page_cache.invalidate()  # a clock behind the row's (another machine's) moves it on all the same
    moved = PublicChange.objects.get()
    assert moved.generation == after.generation + 10**18 + 1
    assert moved.changed_at.year == 2100


@pytest.mark.django_db(transaction=True)
def test_a_change_rolled_back_keeps_the_generation():
    from django.db import transaction

    before = page_cache.generation()
    with transaction.atomic():
        page_cache.invalidate()
        assert page_cache.generation() > before
        transaction.set_rollback(True)
    assert page_cache.generation() == before


def test_the_row_is_made_again_where_a_flush_removed_it(client, published):
    from core.models import PublicChange

    PublicChange.objects.all().delete()
    assert client.get("/measures/").status_code == 200
    assert PublicChange.objects.count() == 1


def test_a_lost_generation_counter_never_brings_old_pages_back(client, published, shared_cache):
    client.get("/measures/")
    cache.delete(page_cache.GENERATION_KEY)
    _, queries = selects(client, "/measures/")
    assert queries > 0


def test_signed_in_users_always_get_a_fresh_page(client, published, superuser):
    client.get("/measures/")
    client.force_login(superuser)
    _, queries = selects(client, "/measures/")
    assert queries > 0
    _, again = selects(client, "/measures/")
    assert again > 0


def test_a_visitor_with_a_pending_message_gets_a_fresh_page(client, published):
    client.get("/measures/")
    client.cookies["messages"] = "anything"
    _, queries = selects(client, "/measures/")
    assert queries > 0


def stored_page(url):
    """What the page cache holds for an English request of `url` by the test client."""
    with translation.override("en"):
        return cache.get(page_cache._key(RequestFactory().get(url)))


def test_errors_and_bad_filters_are_not_cached(client, published):
    client.get("/measures/")
    assert stored_page("/measures/") is not None
    for url in ("/measures/999999/", "/measures/?page=999"):
        assert client.get(url).status_code == 404
        assert stored_page(url) is None
        assert client.get(url).status_code == 404


def test_a_page_that_sets_a_cookie_or_uses_a_csrf_token_is_not_stored():
    factory = RequestFactory()
    calls = []

    @page_cache.cache_public_page
    def with_token(request):
        calls.append(1)
        return HttpResponse(get_token(request))

    @page_cache.cache_public_page
    def with_cookie(request):
        calls.append(1)
        response = HttpResponse("hello")
        response.set_cookie("seen", "1")
        return response

    for view in (with_token, with_cookie):
        calls.clear()
        view(factory.get("/x"))
        view(factory.get("/x"))
        assert len(calls) == 2


def test_post_requests_are_never_served_from_the_cache():
    factory = RequestFactory()
    calls = []

    @page_cache.cache_public_page
    def view(request):
        calls.append(request.method)
        return HttpResponse("ok")

    view(factory.get("/y"))
    view(factory.post("/y"))
    view(factory.get("/y"))
    assert calls == ["GET", "POST"]


@override_settings(PAGE_CACHE_SECONDS=0)
def test_zero_seconds_turns_the_cache_off(client, published):
    client.get("/measures/")
    _, queries = selects(client, "/measures/")
    assert queries > 0


def test_pages_are_shared_through_redis(client, published):
    """Workers share one Redis cache in production; CI runs Redis and requires this test."""
    require_local_redis()
    redis = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}
    }
    with override_settings(CACHES=redis):
        cache.clear()
        try:
            first, _ = selects(client, "/measures/")
            second, queries = selects(client, "/measures/")
            assert queries == 0 and second.content == first.content
            published.title = "Seen through Redis"
            published.save()
            assert b"Seen through Redis" in client.get("/measures/").content
        finally:
            cache.clear()


def test_the_api_list_is_cached_until_the_data_changes(client, published):
    age_last_change()
    first, first_selects = selects(client, "/api/v1/measures/")
    second, second_selects = selects(client, "/api/v1/measures/")
    assert first_selects > 0
    assert second_selects == 0
    assert second.json() == first.json()
    assert second["Last-Modified"] == first["Last-Modified"]
    published.title = "Renamed for the API"
    published.save()
    titles = [measure["title"] for measure in client.get("/api/v1/measures/").json()["results"]]
    assert "Renamed for the API" in titles


def test_from_a_shared_cache_the_api_list_reads_nothing_from_the_database(client, published, shared_cache):
    age_last_change()
    first = client.get("/api/v1/measures/")
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/api/v1/measures/")
    assert second.json() == first.json() and second["Last-Modified"] == first["Last-Modified"]
    assert [query["sql"] for query in queries if "SAVEPOINT" not in query["sql"]] == []  # the request's transaction


@override_settings(API_ANON_RATE="2/min")
def test_a_cached_api_answer_is_still_throttled(client, published):
    statuses = [client.get("/api/v1/measures/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_bad_api_filters_are_never_cached(client, published):
    for _ in range(2):
        response = client.get("/api/v1/measures/?goal=abc")
        assert response.status_code == 400
