"""Measures reported by Parties or civil society, their partners and their moves through the review workflow."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.roles import is_reviewer, represented
from core.choices import RecordLanguage
from core.fields import BitSetField, WebURLField
from core.mixins import NOT_READ, RemembersValuesAsRead
from core.validators import RefusesControlCharacters
from measures.models.framework import AreaOfMonitoring, CulturalDomain, Goal
from measures.models.organisations import Organisation
from measures.models.parties import Party
from measures.models.reporting import PeriodicReport

#: Measure's stored copies of its classification (see Measure.goal_bits).
CLASSIFICATION_BITS = ("goal_bits", "area_bits", "domain_bits")


#: The groups of columns facet counts group by together (measures.filters.COLUMN_GROUPS), each with a small
#: partial index in that order: without filters, each count reads its index in order and adds up as it goes.
FACET_GROUP_INDEXES = {
    "measure_facets_party_idx": ["party"],
    "measure_facets_flags_idx": ["reported_by", "is_youth", "is_preferential_treatment", "is_innovative"],
    "measure_facets_area_idx": ["goal_bits", "area_bits"],
    "measure_facets_domain_idx": ["domain_bits", "report_year"],
    "measure_facets_language_idx": ["language"],
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

    def count_per(self, key, **filters):
        """A subquery: how many of these measures have the outer row as `key` ("party", "organisation"), 0 for
        none; for annotating Parties or organisations with their number of measures."""
        counts = (
            self.filter(**{key: OuterRef("pk")}, **filters)
            .order_by()
            .values(key)
            .annotate(count=Count("pk"))
            .values("count")
        )
        return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))

    def of_report(self, party, cycle):
        """These measures as part of `party`'s periodic report for `cycle`: the Party's measures whose report year is
        the cycle's year, the rule by which the Party page and /reports/ count "published measures from this
        report" (ReportingCycle.parties_with_status, PartyDetailView.reporting_cycles)."""
        return self.filter(party=party, report_year=cycle.year)

    def with_list_relations(self):
        return self.select_related("party", "organisation")

    def refresh_classification(self):
        """Store every measure's goals and classification bits (measures.classification.refresh)."""
        from measures import classification

        return classification.refresh(self)

    refresh_classification.alters_data = True


class ReportedBy(models.TextChoices):
    PARTY = "party", _("Party")
    CIVIL_SOCIETY = "civil_society", _("Civil society")


class Evaluated(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class MeasureStatus(models.TextChoices):
    # "measure": French and Spanish agree these words with "mesure"/"medida" (feminine), unlike a report's.
    DRAFT = "draft", pgettext_lazy("measure", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("measure", "Submitted")
    RETURNED = "returned", pgettext_lazy("measure", "Returned")
    PUBLISHED = "published", pgettext_lazy("measure", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("measure", "Withdrawn")


class Measure(RemembersValuesAsRead, RefusesControlCharacters, models.Model):
    """A policy, measure or initiative reported in a periodic report, by a Party or by civil society."""

    ReportedBy = ReportedBy

    Evaluated = Evaluated

    Status = MeasureStatus

    # seen_by_the_public: a change to a measure the public never saw leaves the public pages' cache alone.
    remembered_fields = ("status",)

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
    # Kept in step by measures/classification.py so goal filters and facets are one plain join.
    goals = models.ManyToManyField(Goal, verbose_name=_("goals"), related_name="measures", blank=True, editable=False)
    domains = models.ManyToManyField(
        CulturalDomain, verbose_name=_("cultural domains"), related_name="measures", blank=True
    )
    # The goals, areas and domains again, as bits (Goal.bit, BitNumbered.bit), so that their filters and facet
    # counts read the measure's row, or its facet index, without joining the link tables. Written only by
    # measures/classification.py, with the stored goals.
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
                    "language",
                    "id",
                ],
                condition=Q(status="published"),
                name="measure_published_facet_idx",
            ),
            *(
                models.Index(fields=fields, condition=Q(status="published"), name=name)
                for name, fields in FACET_GROUP_INDEXES.items()
            ),
            # How many published measures are synthetic examples (the banner) or real (beside the total), read
            # from this small index rather than the table.
            models.Index(fields=["is_synthetic", "id"], condition=Q(status="published"), name="measure_synthetic_idx"),
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

    def get_absolute_url(self):
        return reverse("measures:measure-detail", args=[self.pk])

    @property
    def seen_by_the_public(self):
        """Whether public pages show this measure, or showed it as it was read from the database. A measure
        made in this process and never saved as published was never public."""
        as_read = self.value_as_read("status")
        return self.Status.PUBLISHED in (self.status, as_read) or as_read is NOT_READ

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


class Partner(RemembersValuesAsRead, RefusesControlCharacters, models.Model):
    """A partner engaged in a measure, as the reporting form lists them."""

    EntityType = EntityType

    # moved_to_another_measure: a partner moved off a public measure changes a public page.
    remembered_fields = ("measure_id",)

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

    @property
    def moved_to_another_measure(self):
        as_read = self.value_as_read("measure_id")
        return as_read not in (None, NOT_READ) and as_read != self.measure_id


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
