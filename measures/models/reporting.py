"""Reporting cycles and the Parties' quadrennial periodic reports, with what is recorded of them."""

import datetime

from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, F, FilteredRelation, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.roles import is_reviewer, represented
from core.choices import RecordLanguage
from core.fields import WebURLField
from core.validators import RefusesControlCharacters
from measures.models.parties import Party


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

    @staticmethod
    def current(cycles, today=None):
        """Of `cycles`, the latest whose year is not after this year; the earliest if they are all to come."""
        year = (today or timezone.localdate()).year
        past = [cycle for cycle in cycles if cycle.year <= year]
        if past:
            return max(past, key=lambda cycle: cycle.year)
        return min(cycles, key=lambda cycle: cycle.year, default=None)

    @property
    def last_day_to_become_party(self):
        """The last day a State or organisation could become a Party and still report in this cycle."""
        return self.deadline or datetime.date(self.year, 12, 31)

    def parties_of(self):
        """Q: the Parties of this cycle: in force by its deadline (or the end of its year), or whose date is not
        documented (they are Parties; since when is not guessed)."""
        return Q(entry_into_force__isnull=True) | Q(entry_into_force__lte=self.last_day_to_become_party)

    def includes(self, party):
        """Whether `party` is one of this cycle's Parties (parties_of, for one Party in hand)."""
        return party.entry_into_force is None or party.entry_into_force <= self.last_day_to_become_party

    def parties_with_status(self, today=None):
        """This cycle's Parties (parties_of, and any Party with a report recorded for it), each annotated with
        what is recorded of its report, by name.

        A Party without a PeriodicReport row for the cycle is *not recorded*, or *expected* where the cycle says
        every Party is (status_without_report); nothing else is inferred from a missing row. Only an expected
        report (or a draft) whose deadline has passed is overdue. One LEFT JOIN, no row made.
        """
        from measures.models.measure import Measure

        today = today or timezone.localdate()
        deadline_passed = self.deadline is not None and self.deadline < today
        overdue = (
            ExpressionWrapper(Q(report_status__in=PeriodicReport.NOT_YET_SUBMITTED), output_field=BooleanField())
            if deadline_passed
            else Value(False, output_field=BooleanField())
        )
        return (
            Party.objects.annotate(cycle_report=FilteredRelation("reports", condition=Q(reports__cycle=self)))
            .annotate(
                report_id=F("cycle_report__id"),
                report_status=Coalesce(F("cycle_report__status"), Value(self.status_without_report.value)),
                report_submission_date=F("cycle_report__submission_date"),
                report_submission_year=F("cycle_report__submission_year"),
                report_evidence=F("cycle_report__evidence"),
                report_language=F("cycle_report__language"),
                report_source_url=F("cycle_report__source_url"),
                cycle_measure_count=Measure.objects.published().count_per("party", report_year=self.year),
            )
            .annotate(is_overdue=overdue)
            .filter(Q(report_id__isnull=False) | self.parties_of())
            .by_name()
        )

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

    def choosable_by(self, user):
        """The reports a user may attach a measure to: any for the secretariat; their Parties' for a focal point;
        for a civil-society editor, those of the Parties their organisations work in."""
        if is_reviewer(user):
            return self
        from measures.models.organisations import Organisation

        scope = represented(user)
        countries = Organisation.objects.filter(pk__in=scope.organisation_ids).values("country_id")
        return self.filter(Q(party_id__in=scope.party_ids) | Q(party_id__in=countries))

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


class ReportDocument(models.Model):
    """A periodic report's PDF as last made, in one language (measures/directory/report_documents.py).

    Laying out a long report takes WeasyPrint seconds, so the PDF is kept and served again for as long as what it
    shows stays the same: `fingerprint` names that content (the report's print page, its stylesheet and the
    WeasyPrint version). It is made again when the content differs, in the task worker as soon as a measure of the
    report changes, or at the next request after any other change."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    fingerprint = models.CharField(max_length=64)
    file = models.FileField(upload_to="report-documents/", max_length=200)
    #: The address the PDF was first asked from, whose host its links use; the worker makes it again for the same.
    base_url = models.CharField(max_length=300)
    made_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["party", "cycle", "language"], name="report_document_unique"),
        ]

    def __str__(self):
        return f"{self.party_id} {self.cycle_id} {self.language}"
