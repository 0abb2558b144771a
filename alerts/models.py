"""E-mail alerts on a saved search of the measures list or of the meetings list (docs/alerts.md).

An alert is an address, which list (its kind), that list's filters as a query string, a frequency and a
language. It mails nothing before its address confirms it (double opt-in); an unconfirmed one is deleted after
ALERT_CONFIRMATION_DAYS. Each measure or meeting mailed is recorded against the alert (AlertDelivery), so that
none is ever mailed twice to it.
"""

import datetime
import hashlib

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.filters import as_list
from experts.filters import MeetingFilter
from measures.filters import MeasureFilter

#: Signed links: each kind has its own salt, so that a token of one kind is worth nothing as another.
CONFIRM_SALT = "alerts.confirm"
UNSUBSCRIBE_SALT = "alerts.unsubscribe"
MANAGE_SALT = "alerts.manage"

#: Days a link to manage an address's alerts stays valid: every alert mail carries a fresh one, and the
#: slowest alert mails weekly.
MANAGE_LINK_DAYS = 60

#: An alert is due this much before its period is over, so that a cron job running at the same hour every
#: day does not miss a day because the previous run finished a few seconds later.
DUE_SLACK = datetime.timedelta(hours=1)

#: A measure published, or a meeting recorded, while the previous run was reading (its transaction not yet
#: committed) has a publication or creation time before that run: each run looks back this far, and
#: AlertDelivery keeps out what was sent.
LOOK_BACK = datetime.timedelta(hours=1)


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")

    @property
    def period(self):
        return datetime.timedelta(days=1 if self == Frequency.DAILY else 7)


def canonical_query(filterset):
    """The query string of a FilterSet's valid filters in use, without the sort order: parameters in the
    filters' own order, each value as the filter reads it (Party codes in capitals…), values sorted, so that the
    same search is always stored the same way."""
    query = QueryDict(mutable=True)
    active = filterset.active
    for name in filterset.filters:
        if name in active:
            query.setlist(name, sorted(str(item) for item in as_list(active[name])))
    return query.urlencode()


def normalize_address(address):
    """Addresses are compared, and stored, in lower case: mailboxes do not tell the two apart in practice."""
    return address.strip().lower()


def address_key(address):
    """What the links to manage an address's alerts carry instead of the address, which would otherwise be
    readable in them (signing does not encrypt), and so in every log of the requests."""
    return hashlib.sha256(normalize_address(address).encode()).hexdigest()


class AlertQuerySet(models.QuerySet):
    def for_address(self, address):
        return self.filter(address_key=address_key(address))

    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_expired(self, now=None):
        """Alerts never confirmed within ALERT_CONFIRMATION_DAYS: their link has expired, they are deleted."""
        now = now or timezone.now()
        limit = now - datetime.timedelta(days=settings.ALERT_CONFIRMATION_DAYS)
        return self.filter(confirmed_at__isnull=True, created_at__lt=limit)

    def due(self, now=None):
        """Confirmed alerts whose period (a day, a week) since they were last looked at, or confirmed, is over."""
        now = now or timezone.now()
        return (
            self.confirmed()
            .alias(period_start=Coalesce("last_checked_at", "confirmed_at"))
            .filter(
                Q(frequency=Frequency.DAILY, period_start__lte=now - Frequency.DAILY.period + DUE_SLACK)
                | Q(frequency=Frequency.WEEKLY, period_start__lte=now - Frequency.WEEKLY.period + DUE_SLACK)
            )
        )


class AlertKind(models.TextChoices):
    """Which list an alert watches: its FilterSet validates the stored filters and selects what is new."""

    MEASURES = "measures", _("New measures")
    MEETINGS = "meetings", _("New meetings")

    @property
    def filterset_class(self):
        return MeetingFilter if self == AlertKind.MEETINGS else MeasureFilter

    @property
    def list_url_name(self):
        return "experts:meeting-list" if self == AlertKind.MEETINGS else "measures:measure-list"


class Alert(models.Model):
    Kind = AlertKind

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MEASURES)
    email = models.EmailField(_("e-mail address"))
    address_key = models.CharField(max_length=64, db_index=True, editable=False)
    query = models.CharField(_("filters"), max_length=2000, blank=True, help_text=_("As a query string."))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    #: The portal's address as the subscriber saw it, for the links in mails sent outside any request (cron),
    #: unless ALERT_SITE_URL says it.
    site_url = models.CharField(_("site address"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)
    last_checked_at = models.DateTimeField(_("last looked for new measures"), null=True, blank=True, editable=False)
    last_sent_at = models.DateTimeField(_("last mail sent"), null=True, blank=True, editable=False)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail alert")
        verbose_name_plural = _("e-mail alerts")
        ordering = ["email", "created_at"]
        indexes = [models.Index(fields=["confirmed_at", "created_at"], name="alert_confirmed_created_idx")]
        constraints = [models.CheckConstraint(condition=Q(kind__in=AlertKind.values), name="alert_kind_valid")]

    def __str__(self):
        return f"{self.email} ({self.get_frequency_display()})"

    def save(self, *args, **kwargs):
        self.email = normalize_address(self.email)
        self.address_key = address_key(self.email)
        super().save(*args, **kwargs)

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    # The search.

    @property
    def is_meetings(self):
        return self.kind == AlertKind.MEETINGS

    def filterset(self):
        return AlertKind(self.kind).filterset_class(QueryDict(self.query))

    def described_filters(self, filterset=None):
        return (filterset or self.filterset()).described_filters()

    def since(self):
        return self.last_checked_at - LOOK_BACK if self.last_checked_at else self.confirmed_at

    def sent(self, field):
        # NOT IN a list holding a NULL matches nothing: only the deliveries of this alert's kind.
        return AlertDelivery.objects.filter(alert=self, **{f"{field}__isnull": False}).values(field)

    def new_items(self, filterset=None):
        """The new measures or meetings matching the filters, as the alert's kind says."""
        return self.new_meetings(filterset) if self.is_meetings else self.new_measures(filterset)

    def new_measures(self, filterset=None):
        """The published measures matching the filters, published since the last look (or the confirmation),
        that were never mailed to this alert; oldest first."""
        return (
            (filterset or self.filterset())
            .queryset_without()
            .filter(published_at__gte=self.since())
            .exclude(pk__in=self.sent("measure_id"))
            .select_related("party")
            .order_by("published_at", "pk")
        )

    def new_meetings(self, filterset=None):
        """The meetings matching the filters, recorded since the last look (or the confirmation), that were
        never mailed to this alert; oldest first. Meetings recorded before Meeting.created_at existed count as
        recorded when it was added, so they never come."""
        return (
            (filterset or self.filterset())
            .queryset_without()
            .filter(created_at__gte=self.since())
            .exclude(pk__in=self.sent("meeting_id"))
            .select_related("body", "country")
            .order_by("created_at", "pk")
        )

    def delivery(self, item, now):
        """The record that `item` (a measure or a meeting, as the kind says) was mailed to this alert."""
        return AlertDelivery(alert=self, sent_at=now, **{"meeting" if self.is_meetings else "measure": item})

    # Links, absolute, in the alert's language.

    def absolute(self, path):
        return (settings.ALERT_SITE_URL or self.site_url).rstrip("/") + path

    def link(self, name, token):
        with translation.override(self.language):
            return self.absolute(reverse(name, args=[token]))

    def confirm_url(self):
        return self.link("alerts:confirm", signing.dumps(self.pk, salt=CONFIRM_SALT))

    def unsubscribe_url(self):
        return self.link("alerts:unsubscribe", signing.dumps(self.pk, salt=UNSUBSCRIBE_SALT))

    def manage_url(self):
        return self.link("alerts:manage", manage_token(self.email))

    def list_url(self):
        with translation.override(self.language):
            path = reverse(AlertKind(self.kind).list_url_name)
        return self.absolute(path + (f"?{self.query}" if self.query else ""))


def manage_token(address):
    return signing.dumps(address_key(address), salt=MANAGE_SALT)


class AlertDelivery(models.Model):
    """A measure or a meeting mailed to an alert: never mailed to it again."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    measure = models.ForeignKey("measures.Measure", on_delete=models.CASCADE, null=True, related_name="+")
    meeting = models.ForeignKey("experts.Meeting", on_delete=models.CASCADE, null=True, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("measure sent")
        verbose_name_plural = _("measures sent")
        constraints = [
            models.UniqueConstraint(fields=["alert", "measure"], name="alert_delivery_once"),
            models.UniqueConstraint(fields=["alert", "meeting"], name="alert_delivery_meeting_once"),
            models.CheckConstraint(
                condition=Q(measure__isnull=False, meeting__isnull=True)
                | Q(measure__isnull=True, meeting__isnull=False),
                name="alert_delivery_measure_or_meeting",
            ),
        ]

    def __str__(self):
        return f"{self.alert_id}: {self.measure_id or self.meeting_id}"
