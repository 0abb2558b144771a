"""Governing bodies and expert groups of the Convention, their meetings and what came out of them."""

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import RecordLanguage
from core.fields import WebURLField
from core.translation import localized, translated
from core.validators import RefusesControlCharacters
from experts.dates import format_partial_date

MIN_YEAR, MAX_YEAR = 1945, 2100
MONTH_RANGE = Q(month__isnull=True) | Q(month__gte=1, month__lte=12)
YEAR_RANGE = Q(year__isnull=True) | Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR)
YEAR_VALIDATORS = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
MONTH_VALIDATORS = [MinValueValidator(1), MaxValueValidator(12)]


class BodyKind(models.TextChoices):
    CONFERENCE_OF_PARTIES = "conference_of_parties", _("Conference of Parties")
    INTERGOVERNMENTAL_COMMITTEE = "intergovernmental_committee", _("Intergovernmental committee")
    EXPERT_GROUP = "expert_group", _("Expert group")
    CIVIL_SOCIETY_FORUM = "civil_society_forum", _("Civil society forum")
    OTHER = "other", _("Other")


class BodyQuerySet(models.QuerySet):
    def in_kind_order(self):
        """Governing bodies first, then expert groups, forums and the rest, as BodyKind lists them."""
        order = Case(*(When(kind=kind, then=position) for position, kind in enumerate(BodyKind.values)), default=99)
        return self.alias(kind_order=order).order_by("kind_order", localized("name"))


class Body(
    RefusesControlCharacters,
    translated(
        "TranslatedBody",
        name=models.CharField(_("name"), max_length=255),
        short_name=models.CharField(_("short name"), max_length=60, blank=True),
        aliases=models.TextField(
            _("other names"),
            blank=True,
            help_text=_("One per line, e.g. “reflection group” for the Group of Experts."),
        ),
        mandate=models.TextField(_("mandate"), blank=True),
        description=models.TextField(_("description"), blank=True),
    ),
):
    """A governing body of the Convention or a group convened to advise it."""

    Kind = BodyKind

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    session_code = models.CharField(
        _("session code"),
        max_length=10,
        blank=True,
        help_text=_('Written after the session number: "CP" gives "10.CP", "IGC" gives "18.IGC".'),
    )
    established_on = models.DateField(_("established"), null=True, blank=True)
    planned_members = models.PositiveSmallIntegerField(_("planned number of members"), null=True, blank=True)
    convened_by = models.ForeignKey(
        "self",
        verbose_name=_("convened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="convened_bodies",
    )
    slug = models.SlugField(_("URL key"), max_length=80, unique=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=BodyKind.values), name="body_kind_valid"),
            models.CheckConstraint(condition=~Q(convened_by=F("pk")), name="body_not_convened_by_itself"),
        ]
        indexes = [models.Index(fields=["kind"], name="body_kind_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("experts:body-detail", args=[self.slug])

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class Expert(RefusesControlCharacters, models.Model):
    """A person serving on a body; real, public information only."""

    name = models.CharField(_("name"), max_length=255)
    country = models.ForeignKey(
        "measures.Party",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experts",
    )
    affiliation = models.CharField(_("affiliation"), max_length=255, blank=True)
    biography = models.TextField(_("short biography"), blank=True)
    expertise = models.TextField(_("expertise"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self):
        return self.name


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    RAPPORTEUR = "rapporteur", _("Rapporteur")


class Membership(RefusesControlCharacters, models.Model):
    """An expert's seat on a body, with the role held and the term."""

    Role = MembershipRole

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="memberships")
    expert = models.ForeignKey(Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    term_start = models.DateField(_("term starts"), null=True, blank=True)
    term_end = models.DateField(_("term ends"), null=True, blank=True)

    class Meta:
        ordering = ["body", "role", "expert__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=MembershipRole.values), name="membership_role_valid"),
            models.CheckConstraint(
                condition=Q(term_start__isnull=True) | Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="membership_term_end_not_before_start",
                violation_error_message=_("The term cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["body", "expert", "role", "term_start"],
                name="membership_unique",
            ),
        ]

    def __str__(self):
        return f"{self.expert} — {self.get_role_display()} — {self.body}"


class MeetingKind(models.TextChoices):
    ORDINARY_SESSION = "ordinary_session", _("Ordinary session")
    EXTRAORDINARY_SESSION = "extraordinary_session", _("Extraordinary session")
    EXPERT_MEETING = "expert_meeting", _("Expert meeting")
    CONFERENCE_DAY = "conference_day", _("Conference day")
    SIDE_EVENT = "side_event", _("Side event")


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class MeetingQuerySet(models.QuerySet):
    def with_list_relations(self):
        return self.select_related("body", "country", "parent").prefetch_related(
            models.Prefetch("organisers", queryset=MeetingOrganiser.objects.select_related("party", "organisation"))
        )

    def upcoming(self, today=None):
        """Meetings not over yet (a month-only meeting stays upcoming until its month ends)."""
        return self.filter(span_end__gte=today or timezone.localdate())

    def past(self, today=None):
        return self.filter(span_end__lt=today or timezone.localdate())

    def in_calendar_order(self, today=None):
        """Upcoming meetings first, soonest first; then past meetings, latest first."""
        today = today or timezone.localdate()
        return self.alias(
            upcoming_key=Case(When(span_end__gte=today, then=F("span_start"))),
            past_key=Case(When(span_end__lt=today, then=F("span_start"))),
        ).order_by(F("upcoming_key").asc(nulls_last=True), F("past_key").desc(nulls_last=True), "title_en", "pk")

    def with_exact_dates(self):
        return self.filter(start_date__isnull=False)

    def held_in_or_organised_by(self, party):
        return self.filter(
            Q(country=party) | Exists(MeetingOrganiser.objects.filter(meeting=OuterRef("pk"), party=party))
        )


class Meeting(
    RefusesControlCharacters,
    translated(
        "TranslatedMeeting",
        title=models.CharField(_("title"), max_length=500),
        city=models.CharField(_("city"), max_length=120, blank=True),
        venue=models.CharField(_("venue"), max_length=255, blank=True),
        description=models.TextField(_("description"), blank=True),
    ),
):
    """A session, meeting or event; its dates are exact, or only the month or year is known."""

    Kind = MeetingKind
    Format = MeetingFormat

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    session_number = models.PositiveSmallIntegerField(
        _("session number"), null=True, blank=True, help_text=_("For numbered sessions: 18 for “18.IGC”.")
    )
    start_date = models.DateField(
        _("first day"), null=True, blank=True, help_text=_("Leave empty while the exact days are not known.")
    )
    end_date = models.DateField(_("last day"), null=True, blank=True, help_text=_("Same as the first day if one day."))
    year = models.PositiveSmallIntegerField(
        _("year"),
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Filled in from the first day when the exact dates are known."),
    )
    month = models.PositiveSmallIntegerField(
        _("month"),
        null=True,
        blank=True,
        validators=MONTH_VALIDATORS,
        help_text=_("1–12; filled in from the first day when the exact dates are known."),
    )
    # The first and last day the meeting can fall on: its dates, or the bounds of the month or year known.
    # Used only to order and split upcoming/past meetings, never shown as dates.
    span_start = models.DateField(editable=False)
    span_end = models.DateField(editable=False)
    country = models.ForeignKey(
        "measures.Party",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings_held",
    )
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The meeting this event belongs to, e.g. a conference day held before a meeting."),
    )
    participants = models.ManyToManyField(Expert, verbose_name=_("participants"), related_name="meetings", blank=True)
    slug = models.SlugField(_("URL key"), max_length=100, unique=True)
    # What e-mail alerts on the meetings list go by (docs/alerts.md). Meetings recorded before this field
    # existed carry the time it was added, not a guessed date, so that no alert ever mails them.
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-span_start", "title_en"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="meeting_end_not_before_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True, end_date__isnull=True)
                | Q(start_date__isnull=False, end_date__isnull=False),
                name="meeting_dates_both_or_neither",
                violation_error_message=_("Give both the first and the last day, or neither."),
            ),
            models.CheckConstraint(
                condition=MONTH_RANGE,
                name="meeting_month_1_to_12",
                violation_error_message=_("A month is a number from 1 to 12."),
            ),
            models.CheckConstraint(
                condition=YEAR_RANGE,
                name="meeting_year_range",
                violation_error_message=_("The year must be between 1945 and 2100."),
            ),
            models.CheckConstraint(condition=Q(span_end__gte=F("span_start")), name="meeting_span_ordered"),
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"),
            models.CheckConstraint(
                condition=Q(format="") | Q(format__in=MeetingFormat.values), name="meeting_format_valid"
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="meeting_not_part_of_itself"),
            models.UniqueConstraint(
                fields=["body", "session_number", "kind"],
                condition=Q(session_number__isnull=False),
                name="meeting_session_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["span_end", "span_start"], name="meeting_span_idx"),
            models.Index(fields=["year"], name="meeting_year_idx"),
            models.Index(fields=["kind"], name="meeting_kind_idx"),
        ]

    def __str__(self):
        return f"{self.session_label} — {self.title}" if self.session_label else self.title

    def save(self, *args, **kwargs):
        self.refresh_span()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "year", "month", "span_start", "span_end"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("experts:meeting-detail", args=[self.slug])

    def get_calendar_url(self):
        return reverse("experts:meeting-ics", args=[self.slug]) if self.has_exact_dates else ""

    @property
    def session_label(self):
        """ "18.IGC", "10.CP": the session number and the body's session code."""
        if self.session_number is None or not self.body.session_code:
            return ""
        return f"{self.session_number}.{self.body.session_code}"

    @property
    def has_exact_dates(self):
        return self.start_date is not None

    @property
    def dates_display(self):
        """The dates in the active language: "28–30 May 2024", or "November 2024" when only the month is known."""
        return format_partial_date(self.year, self.month, self.start_date, self.end_date)

    @property
    def location_display(self):
        return ", ".join(part for part in (self.city, self.country.name if self.country else "") if part)

    def is_upcoming(self, today=None):
        return self.span_end >= (today or timezone.localdate())

    def clean(self):
        errors = {}
        if self.start_date and not self.end_date:
            self.end_date = self.start_date
        if self.end_date and not self.start_date:
            errors["start_date"] = _("Give the first day too, or leave both days empty.")
        elif self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        elif self.start_date is None and self.year is None:
            errors["year"] = _("Give the exact days, or at least the year.")
        if errors:
            raise ValidationError(errors)
        self.refresh_span()

    def refresh_span(self):
        """Fill in the year, month and span from what is known of the dates."""
        if self.start_date:
            self.year, self.month = self.start_date.year, self.start_date.month
            self.span_start, self.span_end = self.start_date, self.end_date or self.start_date
        elif self.year is None or not MIN_YEAR <= self.year <= MAX_YEAR:
            return
        elif self.month is not None and 1 <= self.month <= 12:
            last_day = calendar.monthrange(self.year, self.month)[1]
            self.span_start = datetime.date(self.year, self.month, 1)
            self.span_end = datetime.date(self.year, self.month, last_day)
        else:
            self.span_start, self.span_end = datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)


class OrganiserRole(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    CO_ORGANISER = "co_organiser", _("Co-organiser")
    COLLABORATOR = "collaborator", _("In collaboration with")
    CONTRIBUTOR = "contributor", _("Contributor")
    HOST = "host", _("Host")


class MeetingOrganiser(
    RefusesControlCharacters,
    translated(
        "TranslatedOrganiserNote",
        note=models.CharField(
            _("note"),
            max_length=300,
            blank=True,
            help_text=_("What this organiser did, e.g. “presented a segment”."),
        ),
    ),
):
    """A Party or an organisation that organised a meeting, or took a named part in organising it."""

    Role = OrganiserRole

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="organisers")
    party = models.ForeignKey(
        "measures.Party",
        verbose_name=_("Party"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings_organised",
    )
    organisation = models.ForeignKey(
        "measures.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings_organised",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ORGANISER)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        constraints = [
            models.CheckConstraint(
                condition=Q(party__isnull=True, organisation__isnull=False)
                | Q(party__isnull=False, organisation__isnull=True),
                name="meeting_organiser_party_xor_organisation",
                violation_error_message=_("Choose either a Party or an organisation."),
            ),
            models.CheckConstraint(condition=Q(role__in=OrganiserRole.values), name="meeting_organiser_role_valid"),
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                condition=Q(organisation__isnull=False),
                name="meeting_organiser_organisation_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "party"], condition=Q(party__isnull=False), name="meeting_organiser_party_once"
            ),
        ]

    def __str__(self):
        return str(self.organiser)

    @property
    def organiser(self):
        return self.party or self.organisation


class MeetingTopic(
    RefusesControlCharacters,
    translated(
        "TranslatedTopic",
        title=models.CharField(_("title"), max_length=500),
        summary=models.TextField(_("summary"), blank=True),
    ),
):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="topics")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.title


class DocumentKind(models.TextChoices):
    AGENDA = "agenda", _("Agenda")
    REPORT = "report", _("Report")
    RECOMMENDATIONS = "recommendations", _("Recommendations")
    DECISION = "decision", _("Decision")
    OTHER = "other", _("Other")


class MeetingDocument(RefusesControlCharacters, models.Model):
    Kind = DocumentKind

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    language = models.CharField(
        _("language"), max_length=10, choices=RecordLanguage.choices, default=RecordLanguage.ENGLISH
    )
    url = WebURLField(_("address (URL)"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="meeting_document_kind_valid")
        ]

    def __str__(self):
        return self.title


class OutcomeKind(models.TextChoices):
    RECOMMENDATION = "recommendation", _("Recommendation")
    DECISION = "decision", _("Decision")
    RESOLUTION = "resolution", _("Resolution")
    REPORT = "report", _("Report")


#: "Recommendations 2–11": the kinds' plural labels, for a run of numbered outcomes.
PLURAL_LABELS = {
    OutcomeKind.RECOMMENDATION: _("Recommendations"),
    OutcomeKind.DECISION: _("Decisions"),
    OutcomeKind.RESOLUTION: _("Resolutions"),
    OutcomeKind.REPORT: _("Reports"),
}


def number_ranges(numbers):
    """ "2–11", "1, 3, 5–7": sorted numbers with each run of consecutive ones as a range."""
    runs = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(str(first) if first == last else f"{first}–{last}" for first, last in runs)


def label_of_many(outcomes):
    """ "Recommendation 4" for one outcome, "Recommendations 2–11" for several numbered outcomes of one kind."""
    if len(outcomes) == 1:
        return outcomes[0].label
    kinds = {outcome.kind for outcome in outcomes}
    numbers = [outcome.number for outcome in outcomes]
    if len(kinds) == 1 and None not in numbers:
        return f"{PLURAL_LABELS[kinds.pop()]} {number_ranges(numbers)}"
    return ", ".join(str(outcome.label) for outcome in outcomes)


@dataclass
class PartRun:
    """Parts of a report listed on one line: one with a title alone; consecutive untitled ones of the same kind and
    status together ("Recommendations 2–11"), as the sources give nothing that tells them apart."""

    parts: list

    @property
    def label(self):
        return label_of_many(self.parts)

    @property
    def is_run(self):
        return len(self.parts) > 1

    @property
    def first(self):
        return self.parts[0]

    def takes(self, part):
        first = self.first
        return (
            not first.title
            and not part.title
            and part.number is not None
            and first.number is not None
            and (part.kind, part.status) == (first.kind, first.status)
        )


@dataclass
class FollowUp:
    """An outcome that follows up some parts of a report, with those parts."""

    outcome: "Outcome"
    parts: list

    @property
    def parts_label(self):
        return label_of_many(self.parts)


class OutcomeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ADOPTED = "adopted", _("Adopted")
    DEFERRED = "deferred", _("Deferred")
    REJECTED = "rejected", _("Rejected")


class OutcomeQuerySet(models.QuerySet):
    def for_body(self, body):
        """What the body produced itself or at one of its meetings."""
        return self.filter(Q(body=body) | Q(meeting__body=body))

    def with_chain(self):
        """Everything a page needs to show an outcome with its parts, follow-ups and published measures."""
        from measures.models import Measure

        linked = Outcome.objects.select_related("body", "meeting__body").order_by("kind", "number", "pk")
        measures = Measure.objects.published().select_related("party").order_by("title")
        return self.select_related("body", "meeting__body", "part_of").prefetch_related(
            models.Prefetch("parts", queryset=linked),
            models.Prefetch("parts__follow_ups", queryset=linked),
            models.Prefetch("parts__measures", queryset=measures),
            models.Prefetch("follows_up", queryset=linked),
            models.Prefetch("follow_ups", queryset=linked),
            models.Prefetch("measures", queryset=measures),
        )

    def in_date_order(self):
        return self.order_by(
            F("year").asc(nulls_last=True), F("month").asc(nulls_last=True), "date", "kind", "number", "pk"
        )


class Outcome(
    RefusesControlCharacters,
    translated(
        "TranslatedOutcome",
        title=models.CharField(_("title"), max_length=500, blank=True),
        text=models.TextField(_("text"), blank=True),
    ),
):
    """A recommendation, decision, resolution or report, and the measures that respond to it."""

    Kind = OutcomeKind
    Status = OutcomeStatus

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes"
    )
    number = models.PositiveSmallIntegerField(
        _("number"), null=True, blank=True, help_text=_("E.g. 4 for recommendation 4 of a report.")
    )
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Leave empty if the exact day is not known."))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, validators=YEAR_VALIDATORS)
    month = models.PositiveSmallIntegerField(
        _("month"), null=True, blank=True, validators=MONTH_VALIDATORS, help_text=_("1–12")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    part_of = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        help_text=_("The report a recommendation belongs to."),
    )
    follows_up = models.ManyToManyField(
        "self",
        verbose_name=_("follows up"),
        symmetrical=False,
        related_name="follow_ups",
        blank=True,
        help_text=_("E.g. the recommendations a Committee decision adopts."),
    )
    measures = models.ManyToManyField(
        "measures.Measure",
        verbose_name=_("measures responding to it"),
        related_name="outcomes",
        blank=True,
    )
    slug = models.SlugField(_("URL key"), max_length=100, unique=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = [F("year").desc(nulls_last=True), F("month").desc(nulls_last=True), "kind", "number", "pk"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.CheckConstraint(
                condition=Q(body__isnull=False) | Q(meeting__isnull=False),
                name="outcome_has_body_or_meeting",
                violation_error_message=_("An outcome comes from a body, a meeting or both."),
            ),
            models.CheckConstraint(condition=Q(kind__in=OutcomeKind.values), name="outcome_kind_valid"),
            models.CheckConstraint(
                condition=Q(status="") | Q(status__in=OutcomeStatus.values), name="outcome_status_valid"
            ),
            models.CheckConstraint(
                condition=MONTH_RANGE,
                name="outcome_month_1_to_12",
                violation_error_message=_("A month is a number from 1 to 12."),
            ),
            models.CheckConstraint(
                condition=YEAR_RANGE,
                name="outcome_year_range",
                violation_error_message=_("The year must be between 1945 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(year__isnull=False), name="outcome_month_needs_year"
            ),
            models.CheckConstraint(condition=~Q(part_of=F("pk")), name="outcome_not_part_of_itself"),
            models.UniqueConstraint(
                fields=["part_of", "kind", "number"],
                condition=Q(part_of__isnull=False, number__isnull=False),
                name="outcome_number_unique_in_report",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"], name="outcome_kind_status_idx")]

    def __str__(self):
        return self.display_title

    def save(self, *args, **kwargs):
        if self.date:
            self.year, self.month = self.date.year, self.date.month
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("experts:outcome-detail", args=[self.slug])

    @property
    def label(self):
        """ "Recommendation 4", or just "Decision" when no number is known."""
        kind = self.get_kind_display()
        return f"{kind} {self.number}" if self.number is not None else str(kind)

    @property
    def display_title(self):
        if self.title and self.number is not None:
            return _("%(label)s: %(title)s") % {"label": self.label, "title": self.title}
        return self.title or self.label

    @property
    def source_body(self):
        """The body it comes from, directly or through its meeting."""
        return self.body if self.body_id else self.meeting.body

    @property
    def date_display(self):
        return format_partial_date(self.year, self.month, self.date)

    def part_runs(self):
        """Its parts as the lines a page lists (PartRun), from the prefetched parts."""
        runs = []
        for part in self.parts.all():
            if runs and runs[-1].takes(part):
                runs[-1].parts.append(part)
            else:
                runs.append(PartRun([part]))
        return runs

    def follow_ups_of_parts(self):
        """Each outcome following up some of its parts, once, with the parts it follows up (FollowUp): a decision
        adopting ten recommendations is one line, not ten."""
        grouped = {}
        for part in self.parts.all():
            for follow_up in part.follow_ups.all():
                grouped.setdefault(follow_up.pk, FollowUp(follow_up, [])).parts.append(part)
        return list(grouped.values())

    def clean(self):
        if self.date:
            self.year, self.month = self.date.year, self.date.month
        elif self.month is not None and self.year is None:
            raise ValidationError({"year": _("Give the year of this month.")})
