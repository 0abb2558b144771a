"""E-mail alerts on a saved search of the measures or the meetings list: asked for through the form, confirmed
from the mail, sent by send_alerts over real SMTP, unsubscribed in one click, managed and erased."""

import base64
import datetime
import io
import re
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone, translation

from alerts.models import CONFIRM_SALT, Alert, AlertDelivery, manage_token
from alerts.sending import send_due_alerts
from alerts.tasks import send_alerts
from experts.models import Meeting
from measures.models import Measure
from tests.factories import make_measure, make_party
from tests.factories.experts import make_body, make_meeting

pytestmark = pytest.mark.django_db

PUBLISHED = Measure.Status.PUBLISHED
ADDRESS = "reader@example.org"


#: The form of each kind of alert.
FORM = {Alert.Kind.MEASURES: "/alerts/new/", Alert.Kind.MEETINGS: "/alerts/new/meetings/"}


def subscribe(
    client, query="party=AAA", email=ADDRESS, language="en", frequency="daily", prefix="", kind="measures", **extra
):
    return client.post(
        f"{prefix}{FORM[kind]}?{query}",
        {"email": email, "frequency": frequency, "mail_language": language},
        **extra,
    )


def text_of(message):
    return message.get_body(("plain",)).get_content()


def html_of(message):
    return message.get_body(("html",)).get_content()


def link(message, kind):
    return re.search(rf"https?://\S+/alerts/{kind}/\S+/", text_of(message)).group(0)


def path(url):
    return urlsplit(url).path


def confirm(client, mailbox, address=ADDRESS):
    url = link(mailbox.to(address)[-1], "confirm")
    assert client.post(path(url)).status_code == 200
    return url


def backdate(days=2, **filters):
    """Make the alerts' period over, as if they had been confirmed (and last looked at) `days` ago."""
    then = timezone.now() - datetime.timedelta(days=days)
    alerts = Alert.objects.filter(**filters)
    alerts.filter(last_checked_at__isnull=False).update(last_checked_at=then)
    alerts.update(confirmed_at=then)


def run_send_alerts():
    out = io.StringIO()
    call_command("send_alerts", stdout=out)
    return out.getvalue()


@pytest.fixture
def parties():
    return {
        "AAA": make_party(name_en="Alphaland", name_fr="Alphalande", iso3="AAA"),
        "BBB": make_party(name_en="Betaland", iso3="BBB"),
    }


@pytest.fixture
def bodies():
    return {
        "igc": make_body(slug="igc", name="Intergovernmental Committee", short_name=""),
        "other": make_body(slug="other-group", name="Other group"),
    }


#: For each kind of alert: a filter, and a record that matches it or not (made now, so new to a confirmed alert).
KINDS = {
    Alert.Kind.MEASURES: (
        "party=AAA",
        lambda parties, bodies, **fields: make_measure(party=parties["AAA"], status=PUBLISHED, **fields),
        lambda parties, bodies, **fields: make_measure(party=parties["BBB"], status=PUBLISHED, **fields),
    ),
    Alert.Kind.MEETINGS: (
        "body=igc",
        lambda parties, bodies, **fields: make_meeting(body=bodies["igc"], year=2027, **fields),
        lambda parties, bodies, **fields: make_meeting(body=bodies["other"], year=2027, **fields),
    ),
}


def test_end_to_end_from_the_form_to_one_click_unsubscribe(client, smtp, parties):
    page = client.get("/alerts/new/?party=aaa&sort=title&page=2")
    assert page.status_code == 200
    assert "Alphaland" in page.content.decode()  # the filters in words
    assert "no-store" in page["Cache-Control"]

    response = subscribe(client, "party=aaa&sort=title&page=2")
    assert response.status_code == 302 and response["Location"] == "/alerts/new/sent/"
    assert client.get(response["Location"]).status_code == 200
    alert = Alert.objects.get()
    assert (alert.email, alert.query, alert.confirmed_at) == (ADDRESS, "party=AAA", None)

    # Double opt-in: only the confirmation mail, about this alert.
    assert len(smtp.messages) == 1
    confirmation = smtp.messages[0]
    assert confirmation["To"] == ADDRESS
    assert "Alphaland" in text_of(confirmation)
    confirm_url = link(confirmation, "confirm")
    assert confirm_url.startswith("http://testserver/alerts/confirm/")
    # Opening the link asks; a mail scanner following it confirms nothing.
    opened = client.get(path(confirm_url))
    assert opened.status_code == 200 and "Confirm the alert" in opened.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is None
    assert client.post(path(confirm_url)).status_code == 200
    alert.refresh_from_db()
    assert alert.confirmed_at is not None

    backdate()
    before = make_measure(party=parties["AAA"], status=PUBLISHED, published_at=timezone.now() - datetime.timedelta(9))
    matching = make_measure(party=parties["AAA"], status=PUBLISHED, title="Fonds pour la musique", language="fr")
    other = make_measure(party=parties["BBB"], status=PUBLISHED)
    draft = make_measure(party=parties["AAA"])

    assert "mails sent: 1;" in run_send_alerts()
    assert "mails sent: 0;" in run_send_alerts()

    assert len(smtp.messages) == 2
    digest = smtp.messages[1]
    text, html = text_of(digest), html_of(digest)
    assert matching.title in text and f"http://testserver/measures/{matching.pk}/" in text
    assert "Alphaland" in text
    for absent in (before, other, draft):
        assert absent.title not in text and absent.title not in html
    assert f'lang="fr">{matching.title}</a>' in html
    assert list(AlertDelivery.objects.values_list("measure_id", flat=True)) == [matching.pk]
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = re.fullmatch(r"<(.+)>", digest["List-Unsubscribe"].strip()).group(1)
    assert unsubscribe_url.startswith("http://testserver/alerts/unsubscribe/")
    manage_payload = path(link(digest, "manage")).split("/")[-2].split(":")[0]
    assert b"reader" not in base64.urlsafe_b64decode(manage_payload + "=" * (-len(manage_payload) % 4))

    # RFC 8058: the mail program POSTs, with no CSRF token.
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        path(unsubscribe_url), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Alert.objects.exists() and not AlertDelivery.objects.exists()
    # Once more is no error.
    assert mail_program.post(path(unsubscribe_url)).status_code == 200


def test_unsubscribe_page_asks_before_deleting(client, smtp, parties):
    subscribe(client)
    confirm(client, smtp)
    alert = Alert.objects.get()
    url = alert.unsubscribe_url()
    page = client.get(path(url))
    assert page.status_code == 200 and '<form method="post">' in page.content.decode()
    assert Alert.objects.exists()


def test_a_measure_is_never_sent_twice_and_a_failed_send_is_retried(client, smtp, parties):
    for address in ("first@example.org", "second@example.org"):
        subscribe(client, email=address)
        confirm(client, smtp, address)
    backdate()
    measure = make_measure(party=parties["AAA"], status=PUBLISHED)
    smtp.refused.add("first@example.org")

    with pytest.raises(CommandError):
        run_send_alerts()
    assert len(smtp.to("second@example.org")) == 2  # the confirmation and the digest
    assert len(smtp.to("first@example.org")) == 1  # the confirmation only
    first = Alert.objects.get(email="first@example.org")
    assert first.last_checked_at is None and not first.deliveries.exists()  # rolled back

    smtp.refused.clear()
    run_send_alerts()
    assert measure.title in text_of(smtp.to("first@example.org")[-1])
    assert len(smtp.to("second@example.org")) == 2

    # Due again a day later: the same measure is not sent again, a new one is.
    backdate()
    newer = make_measure(party=parties["AAA"], status=PUBLISHED)
    run_send_alerts()
    for address in ("first@example.org", "second@example.org"):
        latest = text_of(smtp.to(address)[-1])
        assert newer.title in latest and measure.title not in latest
    backdate()
    run_send_alerts()
    assert len(smtp.messages) == 2 + 2 + 2  # confirmations, first digests, second digests: nothing new since


def test_weekly_alert_waits_for_its_week(client, smtp, parties):
    subscribe(client, frequency="weekly")
    confirm(client, smtp)
    backdate(days=2)
    make_measure(party=parties["AAA"], status=PUBLISHED)
    run_send_alerts()
    assert len(smtp.messages) == 1
    backdate(days=7)
    run_send_alerts()
    assert len(smtp.messages) == 2


@pytest.mark.parametrize(
    ("kind", "narrowing"),
    [(Alert.Kind.MEASURES, "party=AAA&goal=1"), (Alert.Kind.MEETINGS, "body=igc&country=AAA")],
)
def test_sending_queries_do_not_grow_with_the_records(
    client, smtp, parties, bodies, kind, narrowing, django_assert_max_num_queries
):
    for number in range(3):
        subscribe(client, email=f"reader{number}@example.org", query=narrowing if number else "", kind=kind)
        confirm(client, smtp, f"reader{number}@example.org")
    backdate()
    matching = KINDS[kind][1]
    for _number in range(20):
        matching(parties, bodies, title=f"Record {_number}")
    # Two for the run (expired, due), six per alert (lock, reference data or the filters' bodies and country,
    # records, deliveries, last sent): not one per measure or meeting.
    with django_assert_max_num_queries(2 + 3 * 6):
        outcome = send_due_alerts()
    # No goal exists, so no measure has goal 1; no meeting is held in AAA.
    assert outcome.sent == 1 and outcome.nothing_new == 2
    assert AlertDelivery.objects.count() == 20
    assert (
        AlertDelivery.objects.filter(**{f"{'meeting' if kind == 'meetings' else 'measure'}__isnull": False}).count()
        == 20
    )


def test_the_task_sends_like_the_command(client, smtp, parties):
    subscribe(client)
    confirm(client, smtp)
    backdate()
    make_measure(party=parties["AAA"], status=PUBLISHED)
    assert send_alerts.call()["sent"] == 1
    assert len(smtp.messages) == 2


def test_the_command_can_queue_the_task_for_the_worker():
    from django_tasks_db.models import DBTaskResult

    out = io.StringIO()
    call_command("send_alerts", "--enqueue", stdout=out)
    assert "queued" in out.getvalue()
    assert DBTaskResult.objects.filter(task_path="alerts.tasks.send_alerts").count() == 1


def test_nothing_is_sent_when_nothing_matched(client, smtp, parties):
    subscribe(client)
    confirm(client, smtp)
    backdate()
    make_measure(party=parties["BBB"], status=PUBLISHED)
    assert "alerts with nothing new: 1;" in run_send_alerts()
    assert len(smtp.messages) == 1


def test_filters_that_no_longer_validate_send_nothing(smtp, parties):
    Alert.objects.create(email=ADDRESS, query="party=ZZZ", confirmed_at=timezone.now())
    backdate()
    make_measure(party=parties["AAA"], status=PUBLISHED)
    assert "alerts with nothing new: 1;" in run_send_alerts()
    assert not smtp.messages


def test_unconfirmed_alerts_get_nothing_and_are_deleted_after_seven_days(client, smtp, parties):
    subscribe(client, email="late@example.org")
    subscribe(client, email="recent@example.org")
    Alert.objects.filter(email="late@example.org").update(created_at=timezone.now() - datetime.timedelta(days=8))
    Alert.objects.update(confirmed_at=None, last_checked_at=None)
    make_measure(party=parties["AAA"], status=PUBLISHED)

    assert "unconfirmed alerts deleted: 1." in run_send_alerts()
    assert list(Alert.objects.values_list("email", flat=True)) == ["recent@example.org"]
    assert len(smtp.messages) == 2  # the two confirmations

    Alert.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    out = io.StringIO()
    call_command("prune_alerts", stdout=out)
    assert "unconfirmed alerts deleted: 1." in out.getvalue() and not Alert.objects.exists()


def test_expired_tampered_and_stale_links_are_refused(client, smtp, parties):
    subscribe(client)
    alert = Alert.objects.get()
    eight_days_ago = timezone.now().timestamp() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        expired = signing.dumps(alert.pk, salt=CONFIRM_SALT)
    response = client.get(f"/alerts/confirm/{expired}/")
    assert response.status_code == 400 and "This link has expired." in response.content.decode()
    assert client.post(f"/alerts/confirm/{expired}/").status_code == 400
    alert.refresh_from_db()
    assert alert.confirmed_at is None

    token = path(link(smtp.messages[0], "confirm")).split("/")[-2]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for url in (
        f"/alerts/confirm/{tampered}/",
        f"/alerts/unsubscribe/{tampered}/",
        f"/alerts/manage/{tampered}/",
        f"/alerts/unsubscribe/{token}/",  # a token of one kind is worth nothing as another
        f"/alerts/manage/{manage_token(ADDRESS)}x/",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "This link is not valid" in response.content.decode()
    assert Client(enforce_csrf_checks=True).post(f"/alerts/unsubscribe/{tampered}/").status_code == 400
    assert Alert.objects.exists()

    alert.delete()
    response = client.get(f"/alerts/confirm/{token}/")
    assert response.status_code == 404 and "no longer exists" in response.content.decode()


def test_manage_page_lists_and_deletes_that_address_alerts_only(client, smtp, parties):
    for query in ("party=AAA", "party=BBB"):
        subscribe(client, query=query)
        confirm(client, smtp)
    subscribe(client, email="someone.else@example.org")
    confirm(client, smtp, "someone.else@example.org")
    mine = list(Alert.objects.for_address(ADDRESS).order_by("pk"))
    other = Alert.objects.get(email="someone.else@example.org")

    url = f"/alerts/manage/{manage_token('Reader@Example.org')}/"
    page = client.get(url).content.decode()
    assert "Alphaland" in page and "Betaland" in page
    assert page.count("Delete this alert") == 2

    client.post(url, {"delete": other.pk})
    assert Alert.objects.filter(pk=other.pk).exists()
    client.post(url, {"delete": "not a number"})
    response = client.post(url, {"delete": mine[0].pk})
    assert response.status_code == 200 and "The alert is deleted." in response.content.decode()
    assert list(Alert.objects.for_address(ADDRESS)) == [mine[1]]
    client.post(url, {"delete_all": "1"})
    assert list(Alert.objects.all()) == [other]


def test_erase_alert_address_command(client, smtp, parties):
    subscribe(client)
    subscribe(client, query="party=BBB")
    subscribe(client, email="keep@example.org")
    Alert.objects.update(confirmed_at=timezone.now())
    measure = make_measure(party=parties["AAA"], status=PUBLISHED)
    for alert in Alert.objects.all():
        AlertDelivery.objects.create(alert=alert, measure=measure)

    out = io.StringIO()
    call_command("erase_alert_address", "  READER@example.org ", stdout=out)
    assert "2 deleted" in out.getvalue()
    assert list(Alert.objects.values_list("email", flat=True)) == ["keep@example.org"]
    assert AlertDelivery.objects.count() == 1


def test_rate_limit_per_address_and_per_client(client, smtp, parties, settings):
    settings.ALERT_RATE_PER_ADDRESS, settings.ALERT_RATE_PER_CLIENT = 2, 2
    for number in range(2):
        assert subscribe(client, REMOTE_ADDR=f"192.0.2.{number}").status_code == 302
    response = subscribe(client, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429 and "Too many alerts" in response.content.decode()
    assert ADDRESS in response.content.decode()  # what was typed is kept

    for number in range(2):
        assert subscribe(client, email=f"x{number}@example.org", REMOTE_ADDR="198.51.100.1").status_code == 302
    assert subscribe(client, email="x9@example.org", REMOTE_ADDR="198.51.100.1").status_code == 429
    assert Alert.objects.count() == 4 and len(smtp.messages) == 4


def test_bad_filters_and_bad_address_save_nothing(client, smtp, parties):
    response = subscribe(client, query="party=ZZZ&goal=9")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unknown Party code: ZZZ" in page and "These filters are not valid" in page

    response = subscribe(client, email="not an address")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in page and 'aria-describedby="hint-email error-email"' in page
    assert 'value="not an address"' in page
    assert not Alert.objects.exists() and not smtp.messages


def test_the_same_search_is_stored_the_same_way(client, smtp, parties):
    subscribe(client, query="goal=2&party=bbb&q=&goal=1&page=3&sort=title&party=aaa&unknown=1")
    assert Alert.objects.get().query == "party=AAA&party=BBB&goal=1&goal=2"


def test_a_french_alert_mails_in_french(client, smtp, parties):
    page = client.get("/fr/alerts/new/?party=AAA")
    assert page.status_code == 200
    assert '<option value="fr" lang="fr" selected>Français</option>' in page.content.decode()
    assert client.get("/es/alerts/new/").status_code == 200

    assert subscribe(client, language="fr", prefix="/fr").status_code == 302
    confirmation = smtp.messages[0]
    assert confirmation["Content-Language"] == "fr"
    confirm_url = link(confirmation, "confirm")
    assert path(confirm_url).startswith("/fr/alerts/confirm/")
    client.post(path(confirm_url))
    backdate()
    measure = make_measure(party=parties["AAA"], status=PUBLISHED)
    run_send_alerts()

    digest = smtp.messages[1]
    text = text_of(digest)
    with translation.override("fr"):
        party_filter = translation.gettext("%(label)s: %(value)s") % {
            "label": translation.gettext("Party"),
            "value": "Alphalande",
        }
    assert digest["Content-Language"] == "fr" and '<html lang="fr">' in html_of(digest)
    assert party_filter in text and f"/fr/measures/{measure.pk}/" in text
    assert path(re.fullmatch(r"<(.+)>", digest["List-Unsubscribe"].strip()).group(1)).startswith(
        "/fr/alerts/unsubscribe/"
    )


def test_the_list_links_to_the_form_with_its_filters(client, parties):
    make_measure(party=parties["AAA"], status=PUBLISHED)
    page = client.get("/measures/?party=AAA&sort=title&page=1").content.decode()
    assert 'href="/alerts/new/?party=AAA">' in page


def test_end_to_end_meetings_alert_with_a_filter(client, smtp, parties, bodies):
    recorded_before = make_meeting(body=bodies["igc"], title="Recorded before the alert", year=2026)
    # As the migration that added Meeting.created_at left the meetings already recorded.
    Meeting.objects.filter(pk=recorded_before.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    page = client.get("/meetings/?body=igc&page=1").content.decode()
    assert 'href="/alerts/new/meetings/?body=igc">Get an email when new meetings match</a>' in page

    form = client.get("/alerts/new/meetings/?body=igc")
    assert "Intergovernmental Committee" in form.content.decode()  # the filter in words
    assert subscribe(client, "body=igc", kind="meetings").status_code == 302
    alert = Alert.objects.get()
    assert (alert.kind, alert.query) == (Alert.Kind.MEETINGS, "body=igc")
    assert "new meetings" in text_of(smtp.messages[0]) and "Intergovernmental Committee" in text_of(smtp.messages[0])
    assert "receive new meetings" in client.get(path(link(smtp.messages[0], "confirm"))).content.decode()
    confirm(client, smtp)
    assert "New meetings: Daily digest" in client.get(path(alert.manage_url())).content.decode()
    backdate()
    matching = make_meeting(
        body=bodies["igc"],
        title="Nineteenth session",
        start_date=datetime.date(2027, 2, 9),
        end_date=datetime.date(2027, 2, 11),
        city="Paris",
        country=parties["AAA"],
    )
    other = make_meeting(body=bodies["other"], title="Unrelated meeting", year=2027)

    assert "mails sent: 1;" in run_send_alerts()
    assert "mails sent: 0;" in run_send_alerts()

    assert len(smtp.messages) == 2
    digest = smtp.messages[1]
    text, html = text_of(digest), html_of(digest)
    assert digest["Subject"] == "1 new meeting matches your alert"
    assert "Nineteenth session" in text and f"http://testserver/meetings/{matching.slug}/" in text
    assert "9–11 February 2027, Paris, Alphaland" in text
    assert f'<a href="http://testserver/meetings/{matching.slug}/">Nineteenth session</a>' in html
    for absent in (recorded_before, other):
        assert absent.title not in text and absent.title not in html
    assert list(AlertDelivery.objects.values_list("meeting_id", "measure_id")) == [(matching.pk, None)]
    assert "Intergovernmental Committee" in text  # the filters in words


def test_a_bad_meetings_filter_is_a_form_error(client, smtp, bodies):
    response = subscribe(client, query="country=12&year=abc", kind="meetings")
    page = response.content.decode()
    assert response.status_code == 200 and "These filters are not valid" in page
    assert "three-letter ISO code" in page and 'href="/meetings/' in page
    assert not Alert.objects.exists() and not smtp.messages


def test_a_delivery_is_of_one_measure_or_one_meeting(parties, bodies):
    alert = Alert.objects.create(email=ADDRESS, kind=Alert.Kind.MEETINGS, confirmed_at=timezone.now())
    measure, meeting = make_measure(party=parties["AAA"]), make_meeting(body=bodies["igc"], year=2027)
    for fields in ({}, {"measure": measure, "meeting": meeting}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AlertDelivery.objects.create(alert=alert, **fields)
    AlertDelivery.objects.create(alert=alert, meeting=meeting)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertDelivery.objects.create(alert=alert, meeting=meeting)
