"""Parties to the Convention, organisations, the monitoring framework and the measures reported under it."""

import calendar
import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.roles import is_reviewer, represented
from measures.fields import BitSetField, WebURLField
from measures.validators import RefusesControlCharacters

#: Article 29: the Convention entered into force on this day, three months after the 30th instrument.
CONVENTION_ENTRY_INTO_FORCE = datetime.date(2007, 3, 18)


def add_months(day, months):
    """The same day `months` later, or the last day of that month if the day does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def entry_into_force_for(deposit_date):
    """Article 29: three months after deposit, but not before the Convention itself entered into force."""
    if deposit_date is None:
        return None
    return max(add_months(deposit_date, 3), CONVENTION_ENTRY_INTO_FORCE)


class TranslatedNameMixin(RefusesControlCharacters, models.Model):
    """A name in the portal's three languages; `name` follows the active language, falling back to English."""

    name_en = models.CharField(_("name (English)"), max_length=255)
    name_fr = models.CharField(_("name (French)"), max_length=255, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        language = (get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en


class RecordLanguage(models.TextChoices):
    """The language a record or report is written in (the Convention's working languages first)."""

    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    PORTUGUESE = "pt", _("Portuguese")
    RUSSIAN = "ru", _("Russian")
    OTHER = "other", _("Other")


class ElectoralGroup(models.TextChoices):
    I = "I", _("Group I (Western Europe and North America)")  # noqa: E741
    II = "II", _("Group II (Eastern Europe)")
    III = "III", _("Group III (Latin America and the Caribbean)")
    IV = "IV", _("Group IV (Asia and the Pacific)")
    VA = "Va", _("Group V(a) (Africa)")
    VB = "Vb", _("Group V(b) (Arab States)")


class PartyKind(models.TextChoices):
    STATE = "state", _("State")
    REIO = "reio", _("Regional economic integration organisation")


class Instrument(models.TextChoices):
    RATIFICATION = "ratification", _("Ratification")
    ACCEPTANCE = "acceptance", _("Acceptance")
    APPROVAL = "approval", _("Approval")
    ACCESSION = "accession", _("Accession")
    UNSPECIFIED = "ratification_acceptance_or_approval", _("Ratification, acceptance or approval (unspecified)")


class Party(TranslatedNameMixin):
    """A State or regional economic integration organisation that has deposited an instrument."""

    EU_SLUG = "eu"

    Kind = PartyKind

    Instrument = Instrument

    iso3 = models.CharField(
        _("ISO 3166-1 alpha-3 code"), max_length=3, blank=True, help_text=_("Empty for the European Union.")
    )
    slug = models.SlugField(_("URL key"), max_length=3, unique=True, help_text=_("Lower-case ISO code; eu for the EU."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STATE)
    instrument = models.CharField(
        _("instrument"),
        max_length=40,
        choices=Instrument.choices,
        blank=True,
        help_text=_("Empty where the source gives the date but not the type of instrument."),
    )
    deposit_date = models.DateField(_("date of deposit"), null=True, blank=True)
    entry_into_force = models.DateField(
        _("entry into force"),
        null=True,
        blank=True,
        help_text=_("Computed by Article 29 (deposit + 3 months, not before 18 March 2007) when left empty."),
    )
    electoral_group = models.CharField(
        _("UNESCO electoral group"), max_length=3, choices=ElectoralGroup.choices, blank=True
    )
    unesco_region = models.CharField(_("UNESCO region"), max_length=60, blank=True)
    declarations = models.TextField(_("declarations"), blank=True)
    source_url = WebURLField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("Party")
        verbose_name_plural = _("Parties")
        constraints = [
            models.UniqueConstraint(fields=["iso3"], condition=~Q(iso3=""), name="party_iso3_unique"),
            models.CheckConstraint(condition=Q(kind__in=PartyKind.values), name="party_kind_valid"),
            models.CheckConstraint(
                condition=Q(instrument="") | Q(instrument__in=Instrument.values), name="party_instrument_valid"
            ),
            models.CheckConstraint(
                condition=Q(electoral_group="") | Q(electoral_group__in=ElectoralGroup.values),
                name="party_electoral_group_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["electoral_group"], name="party_electoral_group_idx"),
            models.Index(fields=["deposit_date"], name="party_deposit_date_idx"),
        ]

    def save(self, *args, **kwargs):
        self.iso3 = self.iso3.upper()
        self.slug = self.iso3.lower() if self.iso3 else self.EU_SLUG
        if self.entry_into_force is None:
            self.entry_into_force = entry_into_force_for(self.deposit_date)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("measures:party-detail", args=[self.slug])

    def clean(self):
        # The code becomes the Party's address (its slug): letters only.
        if self.iso3 and not (len(self.iso3) == 3 and self.iso3.isascii() and self.iso3.isalpha()):
            raise ValidationError({"iso3": _("The ISO code is three letters, e.g. CAN.")})


class PartyCountQuerySet(models.QuerySet):
    def latest_known(self):
        return self.order_by("-as_of", "-pk").first()


class PartyCount(RefusesControlCharacters, models.Model):
    """How many Parties the sources count at a date: the portal's list is only as complete as its sources, and
    says so by comparing itself with this figure."""

    at_least = models.PositiveSmallIntegerField(_("at least this many Parties"))
    as_of = models.DateField(_("as of"))
    basis = models.TextField(_("how the figure is reached"), help_text=_("In English, as the sources say it."))
    sources = models.TextField(_("sources"), help_text=_("One address per line."))

    objects = PartyCountQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of"]
        verbose_name = _("count of Parties in the sources")
        verbose_name_plural = _("counts of Parties in the sources")
        constraints = [models.UniqueConstraint(fields=["as_of"], name="party_count_one_per_date")]

    def __str__(self):
        return f"{self.at_least} ({self.as_of.isoformat()})"

    @property
    def source_urls(self):
        return [line.strip() for line in self.sources.splitlines() if line.strip()]


class OrganisationKind(models.TextChoices):
    CIVIL_SOCIETY = "civil_society", _("Civil society organisation")
    COALITION = "coalition", _("Coalition")
    FEDERATION = "federation", _("Federation")
    GOVERNMENT = "government", _("Government")
    SUBNATIONAL_GOVERNMENT = "subnational_government", _("Subnational government")
    PUBLIC_BODY = "public_body", _("Public body")
    NATIONAL_COMMISSION = "national_commission", _("National Commission for UNESCO")
    INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organisation")
    ACADEMIC = "academic", _("Academic")
    PRIVATE = "private", _("Private")


class Organisation(RefusesControlCharacters, models.Model):
    Kind = OrganisationKind

    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("URL key"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    country = models.ForeignKey(
        Party,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    website = WebURLField(_("website"), max_length=300, blank=True)
    founding_year = models.PositiveSmallIntegerField(_("founding year"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, editable=False, help_text=_("Made by generate_demo_data for load tests.")
    )
    member_of = models.ManyToManyField(
        "self",
        through="OrganisationMembership",
        through_fields=("member", "organisation"),
        symmetrical=False,
        related_name="members",
        blank=True,
        verbose_name=_("member of"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"),
            models.CheckConstraint(
                condition=Q(founding_year__isnull=True) | Q(founding_year__gte=1800, founding_year__lte=2100),
                name="organisation_founding_year_range",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("measures:organisation-detail", args=[self.slug])


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    SECRETARIAT = "secretariat", _("Secretariat")


class OrganisationMembership(RefusesControlCharacters, models.Model):
    """One organisation's place in another: a member, or the one that runs its secretariat."""

    Role = MembershipRole

    member = models.ForeignKey(
        Organisation, verbose_name=_("member"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="member_links"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["organisation__name", "member__name", "role"]
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(fields=["member", "organisation", "role"], name="organisation_membership_unique"),
            models.CheckConstraint(condition=~Q(member=F("organisation")), name="organisation_not_member_of_itself"),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="organisation_membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.get_role_display()} — {self.organisation}"


class RemembersValuesAsRead(models.Model):
    """Keeps the values of `remembered_fields` as read from the database, so that post_save handlers can tell
    whether a save changed them (the values are updated once the save is done)."""

    remembered_fields = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._values_as_read = {name: getattr(self, name) for name in self.remembered_fields}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._values_as_read = {
            name: getattr(instance, name) for name in cls.remembered_fields if name in field_names
        }
        return instance

    def changed_since_read(self, name):
        as_read = self.__dict__.get("_values_as_read", {})
        return name not in as_read or as_read[name] != getattr(self, name)


class Goal(RemembersValuesAsRead, TranslatedNameMixin):
    remembered_fields = ("number",)

    number = models.PositiveSmallIntegerField(_("number"), unique=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [models.CheckConstraint(condition=Q(number__gte=1, number__lte=4), name="goal_number_1_to_4")]

    def __str__(self):
        return f"{self.number}. {self.name}"

    @property
    def bit(self):
        """The goal's bit in Measure.goal_bits."""
        return self.number


class BitNumbered(models.Model):
    """An option of the monitoring framework with the number of its bit in the measures' stored classification
    (Measure.area_bits, Measure.domain_bits): the first one free when the option is created, never changed."""

    bit = models.PositiveSmallIntegerField(_("bit"), unique=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.assign_bit()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.assign_bit()

    def assign_bit(self):
        if self.bit is not None:
            return
        taken = set(type(self).objects.values_list("bit", flat=True))
        free = [number for number in range(BitSetField.MAX_NUMBER + 1) if number not in taken]
        if not free:
            raise ValidationError(
                _("There can be at most %(count)s of these: delete one first."),
                params={"count": BitSetField.MAX_NUMBER + 1},
            )
        self.bit = free[0]


class AreaOfMonitoring(RemembersValuesAsRead, BitNumbered, TranslatedNameMixin):
    remembered_fields = ("goal_id",)

    slug = models.SlugField(_("URL key"), max_length=80, unique=True)
    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.PROTECT, related_name="areas")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = _("area of monitoring")
        verbose_name_plural = _("areas of monitoring")


class CulturalDomain(BitNumbered, TranslatedNameMixin):
    slug = models.SlugField(_("URL key"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = _("cultural domain")
        verbose_name_plural = _("cultural domains")


class ReportingCycleQuerySet(models.QuerySet):
    def for_submission_year(self, year):
        """The cycle a report dated `year` belongs to: the latest cycle whose year is not after it (a cycle
        runs from its year to the next cycle's), or the first cycle for a report dated before every cycle.

        Before the single deadline of 2027 each Party reported four years after its own ratification, so
        report years fall between the cycles' years; this rule never puts two of one Party's reports in the
        same cycle for the reports the sources give."""
        cycles = self.order_by("-year")
        return cycles.filter(year__lte=year).first() or cycles.last()


class ReportingCycle(RefusesControlCharacters, models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    every_party_expected = models.BooleanField(
        _("every Party is expected to report"),
        default=False,
        help_text=_(
            "Tick only where a decision sets the deadline for every Party (9.CP for 2027). Otherwise a Party "
            "with no report recorded for the cycle is shown as not recorded."
        ),
    )

    objects = ReportingCycleQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")

    def __str__(self):
        return str(self.year)

    @property
    def status_without_report(self):
        """What the portal knows of a Party that has no report recorded for this cycle."""
        return ShownReportStatus.EXPECTED if self.every_party_expected else ShownReportStatus.NOT_RECORDED


class PeriodicReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The reports this user may see in the back office: all for the secretariat, a focal point their Parties'."""
        if is_reviewer(user):
            return self
        return self.filter(party_id__in=represented(user).party_ids)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status__in=PeriodicReport.NOT_YET_SUBMITTED, cycle__deadline__lt=today)


class ReportStatus(models.TextChoices):
    """The statuses a recorded report can have."""

    EXPECTED = "expected", pgettext_lazy("report", "Expected")
    DRAFT = "draft", pgettext_lazy("report", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("report", "Submitted")
    TRANSMITTED = "transmitted", pgettext_lazy("report", "Transmitted")
    PUBLISHED = "published", pgettext_lazy("report", "Published")


class ShownReportStatus(models.TextChoices):
    """The statuses the public pages show: a recorded report's, or *not recorded* where the portal holds none."""

    NOT_RECORDED = "not_recorded", pgettext_lazy("report", "Not recorded")
    EXPECTED = ReportStatus.EXPECTED.value, ReportStatus.EXPECTED.label
    DRAFT = ReportStatus.DRAFT.value, ReportStatus.DRAFT.label
    SUBMITTED = ReportStatus.SUBMITTED.value, ReportStatus.SUBMITTED.label
    TRANSMITTED = ReportStatus.TRANSMITTED.value, ReportStatus.TRANSMITTED.label
    PUBLISHED = ReportStatus.PUBLISHED.value, ReportStatus.PUBLISHED.label


class ReportEvidence(models.TextChoices):
    """What shows that a report was submitted, where the portal did not receive it itself."""

    REPORT_PAGE = "report_page", _("UNESCO's page of the report")
    MEASURE_PAGE = (
        "measure_page_report_year",
        _("A measure page of the Policy Monitoring Platform giving this report year"),
    )
    CIVIL_SOCIETY_CONTRIBUTION = (
        "civil_society_contribution",
        _("A civil-society organisation's published contribution to the report"),
    )


class PeriodicReport(RefusesControlCharacters, models.Model):
    """A Party's quadrennial periodic report for one cycle."""

    Status = ReportStatus

    NOT_YET_SUBMITTED = (Status.EXPECTED, Status.DRAFT)

    party = models.ForeignKey(Party, verbose_name=_("Party"), on_delete=models.PROTECT, related_name="reports")
    cycle = models.ForeignKey(
        ReportingCycle, verbose_name=_("reporting cycle"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.EXPECTED)
    submission_date = models.DateField(_("submission date"), null=True, blank=True)
    submission_year = models.PositiveSmallIntegerField(
        _("submission year"),
        null=True,
        blank=True,
        help_text=_("The year the source dates the report, where it gives no exact date."),
    )
    language = models.CharField(_("language"), max_length=10, choices=RecordLanguage.choices, blank=True)
    evidence = models.CharField(_("evidence"), max_length=40, choices=ReportEvidence.choices, blank=True)
    source_url = WebURLField(_("source"), max_length=500, blank=True)

    objects = PeriodicReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-cycle__year", "party__name_en"]
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        constraints = [
            models.UniqueConstraint(fields=["party", "cycle"], name="periodic_report_one_per_party_and_cycle"),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="periodic_report_status_valid"),
            models.CheckConstraint(
                condition=Q(evidence="") | Q(evidence__in=ReportEvidence.values), name="periodic_report_evidence_valid"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="periodic_report_status_idx")]

    def __str__(self):
        return f"{self.party} — {self.cycle}"

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        deadline = self.cycle.deadline
        return self.status in self.NOT_YET_SUBMITTED and deadline is not None and deadline < today

    @property
    def submitted_when(self):
        """The submission date, or else the year the source gives."""
        return self.submission_date or self.submission_year


#: Measure's stored copies of its classification (see Measure.goal_bits).
CLASSIFICATION_BITS = ("goal_bits", "area_bits", "domain_bits")

#: The groups of columns facet counts group by together (measures.filters.COLUMN_GROUPS), each with a small
#: partial index in that order: without filters, each count reads its index in order and adds up as it goes.
FACET_GROUP_INDEXES = {
    "measure_facets_party_idx": ["party"],
    "measure_facets_flags_idx": ["reported_by", "is_youth", "is_preferential_treatment", "is_innovative"],
    "measure_facets_area_idx": ["goal_bits", "area_bits"],
    "measure_facets_domain_idx": ["domain_bits", "report_year"],
}


class MeasureQuerySet(models.QuerySet):
    def published(self):
        """The only measures the public, feeds, exports and the API may ever see."""
        return self.filter(status=Measure.Status.PUBLISHED)

    def visible_to(self, user):
        """Every measure, in any status, this user may see in the back office.

        The secretariat sees all; an editor sees the measures of the organisations they speak for (reported by
        civil society), a focal point those of their Parties (reported by the Party); anyone else nothing.
        The public never uses this: it sees `published()` only.
        """
        if is_reviewer(user):
            return self
        scope = represented(user)
        if not scope:
            return self.none()
        return self.filter(
            Q(reported_by=ReportedBy.CIVIL_SOCIETY, organisation_id__in=scope.organisation_ids)
            | Q(reported_by=ReportedBy.PARTY, party_id__in=scope.party_ids)
        )

    def with_list_relations(self):
        return self.select_related("party", "organisation")

    def refresh_classification(self):
        """Store, for every measure here, its goals (those of its areas plus those ticked directly) and the bits
        of its goals, areas and domains; return {measure id: (goal bits, area bits, domain bits)}."""
        measure_ids = self.values("pk")
        goals = {pk: set() for pk in self.values_list("pk", flat=True)}
        area_bits, domain_bits = dict.fromkeys(goals, 0), dict.fromkeys(goals, 0)
        for measure_id, bit, goal_id, goal_bit in Measure.areas.through.objects.filter(
            measure_id__in=measure_ids
        ).values_list(
            "measure_id", "areaofmonitoring__bit", "areaofmonitoring__goal_id", "areaofmonitoring__goal__number"
        ):
            area_bits[measure_id] |= 1 << bit
            goals[measure_id].add((goal_id, goal_bit))
        for measure_id, goal_id, goal_bit in Measure.goals_ticked.through.objects.filter(
            measure_id__in=measure_ids
        ).values_list("measure_id", "goal_id", "goal__number"):
            goals[measure_id].add((goal_id, goal_bit))
        for measure_id, bit in Measure.domains.through.objects.filter(measure_id__in=measure_ids).values_list(
            "measure_id", "culturaldomain__bit"
        ):
            domain_bits[measure_id] |= 1 << bit

        goals_through = Measure.goals.through
        goals_through.objects.filter(measure_id__in=measure_ids).delete()
        goals_through.objects.bulk_create(
            [
                goals_through(measure_id=measure_id, goal_id=goal_id)
                for measure_id, pairs in goals.items()
                for goal_id, _bit in pairs
            ],
            batch_size=5000,
        )
        stored = {
            pk: (BitSetField.bits(bit for _goal, bit in goals[pk]), area_bits[pk], domain_bits[pk]) for pk in goals
        }
        Measure.objects.bulk_update(
            [Measure(pk=pk, **dict(zip(CLASSIFICATION_BITS, bits, strict=True))) for pk, bits in stored.items()],
            CLASSIFICATION_BITS,
            batch_size=1000,
        )
        return stored

    refresh_classification.alters_data = True


class ReportedBy(models.TextChoices):
    PARTY = "party", _("Party")
    CIVIL_SOCIETY = "civil_society", _("Civil society")


class Evaluated(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


#: A measure's status as read when the query deferred it: it may have been published.
STATUS_NOT_READ = object()


class MeasureStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Measure(RefusesControlCharacters, models.Model):
    """A policy, measure or initiative reported in a periodic report, by a Party or by civil society."""

    ReportedBy = ReportedBy

    Evaluated = Evaluated

    Status = MeasureStatus

    title = models.CharField(_("title"), max_length=500)
    party = models.ForeignKey(Party, verbose_name=_("Party"), on_delete=models.PROTECT, related_name="measures")
    periodic_report = models.ForeignKey(
        PeriodicReport,
        verbose_name=_("periodic report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
    )
    report_year = models.PositiveSmallIntegerField(_("report year"), null=True, blank=True)
    reported_by = models.CharField(
        _("reported by"), max_length=20, choices=ReportedBy.choices, default=ReportedBy.PARTY
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("reporting organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        help_text=_("Required when the measure is reported by civil society."),
    )
    period_start = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, help_text=_("Leave empty for an ongoing measure.")
    )
    main_features = models.TextField(_("Describe the main features of the measure/initiative"), blank=True)
    results = models.TextField(
        _("What are the results achieved so far through the implementation of the measure/initiative?"),
        blank=True,
    )
    financial_resources = models.TextField(_("Financial resources allocated"), blank=True)
    financial_resources_usd = models.DecimalField(
        _("financial resources in USD"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A number where one can be read from the text above."),
    )
    evaluated = models.CharField(
        _("Has the implementation been evaluated?"),
        max_length=10,
        choices=Evaluated.choices,
        default=Evaluated.UNKNOWN,
    )
    evaluation_findings = models.TextField(_("evaluation findings"), blank=True)
    areas = models.ManyToManyField(
        AreaOfMonitoring, verbose_name=_("areas of monitoring"), related_name="measures", blank=True
    )
    goals_ticked = models.ManyToManyField(
        Goal,
        verbose_name=_("goals ticked directly"),
        related_name="measures_ticked",
        blank=True,
        help_text=_("Goals of the chosen areas are added automatically."),
    )
    # Stored, not computed per query: the goals of the measure's areas plus the goals ticked directly.
    # Kept in step by signals (measures/signals.py) so goal filters and facets are one plain join.
    goals = models.ManyToManyField(Goal, verbose_name=_("goals"), related_name="measures", blank=True, editable=False)
    domains = models.ManyToManyField(
        CulturalDomain, verbose_name=_("cultural domains"), related_name="measures", blank=True
    )
    # The goals, areas and domains again, as bits (Goal.bit, BitNumbered.bit), so that their filters and facet
    # counts read the measure's row, or its facet index, without joining the link tables. Written only by
    # refresh_classification(), with the stored goals.
    goal_bits = BitSetField(default=0, editable=False)
    area_bits = BitSetField(default=0, editable=False)
    domain_bits = BitSetField(default=0, editable=False)
    is_youth = models.BooleanField(_("youth"), default=False)
    is_preferential_treatment = models.BooleanField(_("preferential treatment"), default=False)
    is_innovative = models.BooleanField(_("innovative practice"), default=False)
    language = models.CharField(
        _("language of the record"), max_length=10, choices=RecordLanguage.choices, default=RecordLanguage.ENGLISH
    )
    source_url = WebURLField(_("source"), max_length=500, blank=True)
    status = models.CharField(_("publication status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, editable=False, help_text=_("Made by generate_demo_data for load tests.")
    )
    # Weighted full-text vector (title, then main features, then results, partners and organisation),
    # kept up to date by the application on PostgreSQL, GIN-indexed there (migration 0002); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["search_vector", *CLASSIFICATION_BITS],
        m2m_fields=["areas", "domains", "goals_ticked"],
        cascade_delete_history=True,
    )

    class Meta:
        ordering = ["-report_year", "title"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        permissions = [("review_measure", _("Can return, publish and withdraw measures"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=F("period_end")),
                name="measure_period_start_before_end",
                violation_error_message=_("The start year must not be after the end year."),
            ),
            models.CheckConstraint(
                condition=~Q(reported_by="civil_society") | Q(organisation__isnull=False),
                name="measure_civil_society_has_organisation",
                violation_error_message=_("A measure reported by civil society needs its reporting organisation."),
            ),
            models.CheckConstraint(condition=Q(status__in=MeasureStatus.values), name="measure_status_valid"),
            models.CheckConstraint(condition=Q(reported_by__in=ReportedBy.values), name="measure_reported_by_valid"),
            models.CheckConstraint(condition=Q(evaluated__in=Evaluated.values), name="measure_evaluated_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="measure_status_published_idx"),
            models.Index(fields=["report_year"], name="measure_report_year_idx"),
            models.Index(fields=["reported_by"], name="measure_reported_by_idx"),
            models.Index(fields=["period_start", "period_end"], name="measure_period_idx"),
            # The admin list's order (the default ordering, then newest first), for its first pages.
            models.Index(F("report_year").desc(), "title", F("id").desc(), name="measure_admin_order_idx"),
            # The API's Last-Modified: the newest change among published measures, read from the index's end.
            models.Index(fields=["updated_at"], condition=Q(status="published"), name="measure_published_updated_idx"),
            # Every column a facet groups or filters published measures by, and the id that joins them to the
            # link tables, so facet counts read this small index instead of the table with its long texts (all
            # key columns: SQLite has no covering indexes).
            models.Index(
                fields=[
                    "party",
                    "reported_by",
                    "report_year",
                    "period_start",
                    "period_end",
                    "is_youth",
                    "is_preferential_treatment",
                    "is_innovative",
                    *CLASSIFICATION_BITS,
                    "id",
                ],
                condition=Q(status="published"),
                name="measure_published_facet_idx",
            ),
            *(
                models.Index(fields=fields, condition=Q(status="published"), name=name)
                for name, fields in FACET_GROUP_INDEXES.items()
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            # An instance read before its areas changed holds stale bits: leave them to refresh_classification().
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in CLASSIFICATION_BITS
            ]
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)  # post_save handlers still see the status as it was read
        self._status_as_read = self.status

    def get_absolute_url(self):
        return reverse("measures:measure-detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        measure = super().from_db(db, field_names, values)
        measure._status_as_read = values[field_names.index("status")] if "status" in field_names else STATUS_NOT_READ
        return measure

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using, fields, from_queryset)
        if fields is None or "status" in fields:
            self._status_as_read = self.status

    @property
    def seen_by_the_public(self):
        """Whether public pages show this measure, or showed it as it was read from the database. A measure
        made in this process and never saved as published was never public."""
        as_read = self.__dict__.get("_status_as_read")
        return self.Status.PUBLISHED in (self.status, as_read) or as_read is STATUS_NOT_READ

    def clean(self):
        errors = {}
        if self.reported_by == self.ReportedBy.CIVIL_SOCIETY and self.organisation_id is None:
            errors["organisation"] = _("A measure reported by civil society needs its reporting organisation.")
        if self.period_start and self.period_end and self.period_start > self.period_end:
            errors["period_end"] = _("The end year must not be before the start year.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_reported_by_civil_society(self):
        return self.reported_by == self.ReportedBy.CIVIL_SOCIETY

    @property
    def is_ongoing(self):
        return self.period_end is None

    def refresh_classification(self):
        """Store the goals of the measure's areas plus those ticked directly, and its classification bits."""
        stored = Measure.objects.filter(pk=self.pk).refresh_classification()
        self.goal_bits, self.area_bits, self.domain_bits = stored[self.pk]

    refresh_classification.alters_data = True


class EntityType(models.TextChoices):
    PUBLIC_SECTOR = "public", _("Public sector")
    PRIVATE_SECTOR = "private", _("Private sector")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    INTERNATIONAL = "international", _("International")
    OTHER = "other", _("Other")


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The partners of the measures this user may see in the back office."""
        return self.filter(measure__in=Measure.objects.visible_to(user))


class Partner(RefusesControlCharacters, models.Model):
    """A partner engaged in a measure, as the reporting form lists them."""

    EntityType = EntityType

    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=300)
    entity_type = models.CharField(_("type of entity"), max_length=20, choices=EntityType.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partnerships",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = PartnerQuerySet.as_manager()
    history = HistoricalRecords(cascade_delete_history=True)

    class Meta:
        ordering = ["measure", "position", "pk"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.CheckConstraint(condition=Q(entity_type__in=EntityType.values), name="partner_entity_type_valid")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)  # post_save handlers still see the measure as it was read
        self._measure_id_as_read = self.measure_id

    @classmethod
    def from_db(cls, db, field_names, values):
        partner = super().from_db(db, field_names, values)
        if "measure_id" in field_names:
            partner._measure_id_as_read = values[field_names.index("measure_id")]
        return partner

    @property
    def moved_to_another_measure(self):
        return self.__dict__.get("_measure_id_as_read", self.measure_id) != self.measure_id


class MeasureTransition(RefusesControlCharacters, models.Model):
    """One move of a measure through the review workflow (measures/workflow.py makes them)."""

    Status = MeasureStatus

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measure_transitions",
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status__in=MeasureStatus.values) & Q(to_status__in=MeasureStatus.values),
                name="measure_transition_statuses_valid",
            ),
        ]
        indexes = [models.Index(fields=["measure", "-created_at"], name="measure_transition_measure_idx")]

    def __str__(self):
        return f"{self.measure}: {self.get_from_status_display()} → {self.get_to_status_display()}"
