"""The alerts' mails: the confirmation, and the digests `manage.py send_alerts` and the `send_alerts` task send.

Never twice, at the cost of a rare mail sent twice rather than one lost: each alert is handled in a transaction
of its own that locks its row (a second run at the same time waits, then finds it no longer due), records the
measures or meetings mailed (AlertDelivery, unique per alert and record) and the time, and sends the mail last,
inside the transaction. A send that fails rolls the records back, so those records come in the next run. A failure
after the mail server took the message (the commit itself failing) would mail those measures again next time;
sending after the commit instead would lose them whenever the send failed, which is the likelier of the two.
"""

import logging
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from alerts.models import Alert, AlertDelivery

logger = logging.getLogger(__name__)

#: A digest lists at most this many measures or meetings; it links to the list for the others.
MAIL_LIMIT = 50


def render_message(alert, template, context, *, headers=None):
    """A plain text and HTML message in the alert's language, from templates/alerts/emails/<template>_*."""
    with translation.override(alert.language):
        context = {"alert": alert, **context}
        subject = " ".join(render_to_string(f"alerts/emails/{template}_subject.txt", context).split())
        text = render_to_string(f"alerts/emails/{template}_body.txt", context)
        html = render_to_string(f"alerts/emails/{template}_body.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [alert.email],
        headers={"Content-Language": alert.language, "Auto-Submitted": "auto-generated", **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    return message


def confirmation_message(alert):
    """The mail asking to confirm an alert: about this alert only, whatever else the address holds."""
    with translation.override(alert.language):
        filters = alert.described_filters()
    return render_message(
        alert,
        "confirm",
        {"confirm_url": alert.confirm_url(), "filters": filters, "days": settings.ALERT_CONFIRMATION_DAYS},
    )


def measure_item(alert, measure):
    return {
        "title": measure.title,
        "language": measure.language,
        "party": measure.party.name,
        "url": alert.absolute(measure.get_absolute_url()),
    }


def meeting_item(alert, meeting):
    # Called in the mail's language: the translated fields (title, city, country) come in it.
    return {
        "title": str(meeting),
        "dates": meeting.dates_display,
        "place": ", ".join(
            str(part) for part in (meeting.city, meeting.country.name if meeting.country else "") if part
        ),
        "url": alert.absolute(meeting.get_absolute_url()),
    }


def digest_message(alert, filterset, items):
    """The digest of new measures, or of new meetings, as the alert's kind says."""
    unsubscribe_url = alert.unsubscribe_url()
    describe = meeting_item if alert.is_meetings else measure_item
    with translation.override(alert.language):
        filters = alert.described_filters(filterset)
        shown = [describe(alert, item) for item in items[:MAIL_LIMIT]]
    context = {
        "items": shown,
        "count": len(items),
        "more": max(0, len(items) - MAIL_LIMIT),
        "filters": filters,
        "list_url": alert.list_url(),
        "unsubscribe_url": unsubscribe_url,
        "manage_url": alert.manage_url(),
    }
    return render_message(
        alert,
        "digest",
        context,
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


@dataclass
class Outcome:
    sent: int = 0
    nothing_new: int = 0
    failed: int = 0
    expired_deleted: int = 0

    def as_dict(self):
        return asdict(self)


def send_alert(alert_pk, now, connection=None):
    """Mail one alert its new measures or meetings if it is due; True if a mail went, False if there was nothing
    new, None if it was no longer due (another run did it meanwhile). A failed send raises, having changed
    nothing."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().due(now).filter(pk=alert_pk).first()
        if alert is None:
            return None
        filterset = alert.filterset()
        if filterset.errors:
            # A filter that no longer validates (its Party or area gone from the reference data) would be left
            # out, widening the search to records nobody asked for: nothing is sent until it is fixed.
            logger.warning("E-mail alert %s has filters that no longer validate: %s", alert.pk, alert.query)
            items = []
        else:
            items = list(alert.new_items(filterset))
        alert.last_checked_at = now
        if not items:
            alert.save(update_fields=["last_checked_at"])
            return False
        AlertDelivery.objects.bulk_create(alert.delivery(item, now) for item in items)
        alert.last_sent_at = now
        alert.save(update_fields=["last_checked_at", "last_sent_at"])
        message = digest_message(alert, filterset, items)
        message.connection = connection
        message.send()
        return True


def delete_expired(now=None):
    """Delete the alerts whose address never confirmed them in time; how many."""
    deleted, _by_model = Alert.objects.unconfirmed_expired(now).delete()
    return deleted


def send_due_alerts(now=None):
    """Mail every due alert its new measures, after deleting the expired unconfirmed ones; an Outcome."""
    now = now or timezone.now()
    outcome = Outcome(expired_deleted=delete_expired(now))
    pending = list(Alert.objects.due(now).order_by("pk").values_list("pk", flat=True))
    if not pending:
        return outcome
    # One SMTP session for the whole run, not one per alert.
    with get_connection() as connection:
        for alert_pk in pending:
            try:
                sent = send_alert(alert_pk, now, connection)
            except Exception:
                logger.exception("Could not send e-mail alert %s; its measures will be sent next time.", alert_pk)
                outcome.failed += 1
                connection.close()  # the next send opens a fresh session, should this one be broken
                continue
            if sent:
                outcome.sent += 1
            elif sent is False:
                outcome.nothing_new += 1
    return outcome
