"""How complete the portal's records are, counted from the data itself for /about/: the Parties against the sources'
count, the periodic reports per cycle, the published measures (real and synthetic), the bodies, meetings and
outcomes, and where the Parties and reports come from. Nine queries, whatever the size of the data."""

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.db.models import Count, Exists, OuterRef, Q

from measures.models import Measure, Party, PartyCount, PeriodicReport, ReportingCycle
from measures.sources import source_name


@dataclass(frozen=True)
class CycleFigures:
    cycle: ReportingCycle
    #: Periodic reports on record for the cycle.
    reports: int
    #: Parties recorded here that were Parties by the cycle's deadline, or the end of its year where it has none
    #: (ReportingCycle.parties_of: those whose date is not documented count too).
    parties: int


@dataclass(frozen=True)
class SourceFigure:
    name: str
    url: str
    count: int


@dataclass(frozen=True)
class Completeness:
    party_total: int
    parties_dated: int
    parties_reporting: int
    #: The latest count of Parties the sources give (PartyCount), or None where none is recorded.
    party_count: PartyCount | None
    party_sources: list
    cycles: list
    report_total: int
    report_evidence: list
    measure_total: int
    measure_synthetic: int
    measure_civil_society: int
    measure_parties: int
    measure_with_source: int
    body_total: int
    meeting_total: int
    meetings_dated: int
    outcome_total: int
    outcomes_with_text: int

    @property
    def measure_real(self):
        return self.measure_total - self.measure_synthetic

    @property
    def measure_by_party(self):
        return self.measure_real - self.measure_civil_society


def valid_href(url):
    """`url` with the square brackets some sources put in their query strings encoded, as HTML's URL syntax
    requires (the address stays the same to the server)."""
    parts = urlsplit(url)
    encode = {ord("["): "%5B", ord("]"): "%5D"}
    return urlunsplit(parts._replace(path=parts.path.translate(encode), query=parts.query.translate(encode)))


def party_sources():
    """The sources the Parties' records cite, by name (a known source's name, else the host), most cited first."""
    by_name = {}
    rows = Party.objects.exclude(source_url="").values("source_url").annotate(count=Count("pk")).order_by()
    for row in rows:
        name = str(source_name(row["source_url"]))
        url, count = by_name.get(name, (valid_href(row["source_url"]), 0))
        by_name[name] = (url, count + row["count"])
    figures = [SourceFigure(name, url, count) for name, (url, count) in by_name.items()]
    return sorted(figures, key=lambda figure: (-figure.count, figure.name))


def report_evidence():
    """[(evidence label, count)] of the periodic reports on record, by the kind of evidence they rest on."""
    rows = PeriodicReport.objects.values("evidence").annotate(count=Count("pk")).order_by("-count", "evidence")
    labels = dict(PeriodicReport._meta.get_field("evidence").flatchoices)
    return [(labels.get(row["evidence"], ""), row["count"]) for row in rows]


def data_completeness():
    """Every figure /about/ shows, from the data as it is now."""
    from experts.models import Body, Meeting, Outcome

    cycles = list(ReportingCycle.objects.annotate(report_count=Count("reports")).order_by("year"))
    parties = Party.objects.aggregate(
        total=Count("pk"),
        dated=Count("pk", filter=Q(deposit_date__isnull=False)),
        reporting=Count("pk", filter=Q(Exists(PeriodicReport.objects.filter(party=OuterRef("pk"))))),
        **{f"cycle_{cycle.pk}": Count("pk", filter=cycle.parties_of()) for cycle in cycles},
    )
    evidence = report_evidence()
    real = Q(is_synthetic=False)
    measures = Measure.objects.published().aggregate(
        total=Count("pk"),
        synthetic=Count("pk", filter=Q(is_synthetic=True)),
        civil_society=Count("pk", filter=real & Q(reported_by=Measure.ReportedBy.CIVIL_SOCIETY)),
        parties=Count("party", filter=real, distinct=True),
        with_source=Count("pk", filter=real & ~Q(source_url="")),
    )
    meetings = Meeting.objects.aggregate(total=Count("pk"), dated=Count("pk", filter=Q(start_date__isnull=False)))
    written = ~Q(text_en="") | ~Q(text_fr="") | ~Q(text_es="")
    outcomes = Outcome.objects.aggregate(total=Count("pk"), with_text=Count("pk", filter=written))
    return Completeness(
        party_total=parties["total"],
        parties_dated=parties["dated"],
        parties_reporting=parties["reporting"],
        party_count=PartyCount.objects.latest_known(),
        party_sources=party_sources(),
        cycles=[CycleFigures(cycle, cycle.report_count, parties[f"cycle_{cycle.pk}"]) for cycle in cycles],
        report_total=sum(count for _label, count in evidence),
        report_evidence=evidence,
        measure_total=measures["total"],
        measure_synthetic=measures["synthetic"],
        measure_civil_society=measures["civil_society"],
        measure_parties=measures["parties"],
        measure_with_source=measures["with_source"],
        body_total=Body.objects.count(),
        meeting_total=meetings["total"],
        meetings_dated=meetings["dated"],
        outcome_total=outcomes["total"],
        outcomes_with_text=outcomes["with_text"],
    )
