"""A Party's periodic report for one cycle: a page at /parties/<iso3>/reports/<cycle year>/ and the same page as a
printable PDF (…/report.pdf), made by WeasyPrint from the same template with its print stylesheet.

What the page holds is what the portal records: the report's status with its dates and source (or *not recorded*),
the status changes simple_history kept, and the published measures of the report (MeasureQuerySet.of_report: the
Party's measures whose report year is the cycle's year), grouped as the reporting form groups them: by goal, then
area of monitoring, in the form's order. A measure in several areas is shown in full under the first of them in
that order, and named under each of the others with a link to where it is shown (in the PDF, where measures are
numbered, with its number).
"""

import mimetypes
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.views import View

from measures.models import (
    AreaOfMonitoring,
    Goal,
    Measure,
    Party,
    PeriodicReport,
    ReportingCycle,
    ShownReportStatus,
)

TEMPLATE = "measures/report_detail.html"

# The document the PDF's template extends instead of base.html: the report alone, without the site's header, menus,
# footer and screen stylesheet, which the PDF does not show. WeasyPrint computes the style of every element and
# pseudo-element it is given, so the less markup and CSS it gets, the sooner the PDF is made; report.css (its print
# rules) is the PDF's only stylesheet.
PDF_DOCUMENT = """{% load i18n %}<!DOCTYPE html>
{% get_current_language as LANGUAGE_CODE %}<html lang="{{ LANGUAGE_CODE }}">
<head>
  <meta charset="utf-8">
  <title>{% block title %}{% endblock %}</title>
  {% block head %}{% endblock %}
</head>
<body><main id="main">{% block content %}{% endblock %}</main></body>
</html>
"""


@cache
def pdf_document():
    return engines["django"].from_string(PDF_DOCUMENT)


@dataclass
class AreaGroup:
    area: AreaOfMonitoring
    measures: list = field(default_factory=list)  # shown here in full (this is their first area)
    also: list = field(default_factory=list)  # shown in full under an earlier area, named here


@dataclass
class GoalGroup:
    goal: Goal
    areas: list = field(default_factory=list)
    without_area: list = field(default_factory=list)  # the goal ticked directly, no area of monitoring given


@dataclass
class Section:
    """The measures reported by one side (the Party, or civil society), grouped as the reporting form groups them."""

    key: str
    goals: list
    unclassified: list
    count: int


def group_measures(measures, goals, areas, key):
    """A Section of `measures` (each with `areas` and `goals` prefetched): goals in number order, their areas in the
    form's order (AreaOfMonitoring.position), only those holding a measure; measures by title within an area.

    Each measure gets `form_areas` (its areas in the form's order) and `other_areas` (all but the first)."""
    order = {area.pk: index for index, area in enumerate(areas)}
    area_groups = {area.pk: AreaGroup(area) for area in areas}
    goal_groups = {goal.pk: GoalGroup(goal) for goal in goals}
    unclassified = []
    for measure in measures:
        own = sorted((area for area in measure.areas.all() if area.pk in order), key=lambda area: order[area.pk])
        measure.form_areas, measure.other_areas = own, own[1:]
        if own:
            area_groups[own[0].pk].measures.append(measure)
            for area in own[1:]:
                area_groups[area.pk].also.append(measure)
            continue
        measure_goals = sorted(measure.goals.all(), key=lambda goal: goal.number)
        if measure_goals and measure_goals[0].pk in goal_groups:
            goal_groups[measure_goals[0].pk].without_area.append(measure)
        else:
            unclassified.append(measure)
    for area in areas:
        group = area_groups[area.pk]
        if (group.measures or group.also) and area.goal_id in goal_groups:
            goal_groups[area.goal_id].areas.append(group)
    shown = [group for group in goal_groups.values() if group.areas or group.without_area]
    return Section(key=key, goals=shown, unclassified=unclassified, count=len(measures))


def status_history(report):
    """The status changes recorded for `report` (django-simple-history), oldest first: when the portal recorded
    each status. Nothing for a report the portal does not hold."""
    if report.pk is None:
        return []
    steps, previous = [], None
    for record in report.history.order_by("history_date", "history_id"):
        if record.status != previous and record.status in ShownReportStatus.values:
            steps.append(
                {"date": record.history_date, "status": record.status, "label": ShownReportStatus(record.status).label}
            )
        previous = record.status
    return steps


def report_or_404(slug, year):
    """(party, cycle, report, recorded) for a Party's report in a cycle.

    404 for an unknown Party or cycle, and for a cycle the Party is not listed in (it became a Party after the
    cycle's deadline and nothing is recorded): the Party page has no row for it either. A Party listed in the cycle
    without a recorded report gets an unsaved report with the status ReportingCycle.status_without_report (*not
    recorded*, or *expected* where every Party is), as on the Party page; no row is created."""
    party = get_object_or_404(Party, slug=slug)
    cycle = get_object_or_404(ReportingCycle, year=year)
    report = PeriodicReport.objects.filter(party=party, cycle=cycle).first()
    if report is None:
        if not cycle.includes(party):
            raise Http404("This Party is not listed in this reporting cycle.")
        report = PeriodicReport(party=party, cycle=cycle, status=cycle.status_without_report)
    report.party, report.cycle = party, cycle
    return party, cycle, report


def report_url_for(measure):
    """The page of the periodic report `measure` is part of (MeasureQuerySet.of_report: its Party's report for the
    cycle whose year is its report year), or None where no cycle has that year or the page would be a 404. One
    query, none without a report year."""
    if not measure.report_year:
        return None
    cycle = (
        ReportingCycle.objects.filter(year=measure.report_year)
        .annotate(recorded=Exists(PeriodicReport.objects.filter(party=measure.party_id, cycle=OuterRef("pk"))))
        .first()
    )
    if cycle is None or not (cycle.recorded or cycle.includes(measure.party)):
        return None
    return reverse(ReportView.url_name, args=[measure.party.slug, cycle.year])


def report_context(party, cycle, report, today):
    goals = list(Goal.objects.order_by("number"))
    areas = list(AreaOfMonitoring.objects.select_related("goal").order_by("goal__number", "position", "name_en"))
    measures = list(
        Measure.objects.published()
        .of_report(party, cycle)
        .select_related("organisation")
        .prefetch_related("areas", "goals", "domains", "partners")
        .order_by("title", "pk")
    )
    by_party = [measure for measure in measures if not measure.is_reported_by_civil_society]
    by_civil_society = [measure for measure in measures if measure.is_reported_by_civil_society]
    return {
        "party": party,
        "cycle": cycle,
        "report": report,
        "recorded": report.pk is not None,
        "status_label": ShownReportStatus(report.status).label,
        "is_overdue": report.is_overdue(today),
        "history": status_history(report),
        "measure_count": len(measures),
        "synthetic_count": sum(measure.is_synthetic for measure in measures),
        "sections": [
            group_measures(by_party, goals, areas, "party"),
            group_measures(by_civil_society, goals, areas, "civil_society"),
        ],
        "today": today,
    }


class ReportView(View):
    """The page; ReportPdfView below renders the same template as a PDF."""

    url_name = "measures:report-detail"

    def get(self, request, slug, year):
        if slug != slug.lower():
            return redirect(self.url_name, slug=slug.lower(), year=year, permanent=True)
        party, cycle, report = report_or_404(slug, year)
        context = report_context(party, cycle, report, timezone.localdate())
        return self.respond(request, context)

    def respond(self, request, context):
        return HttpResponse(render_to_string(TEMPLATE, {**context, "pdf": False}, request=request))


class ReportPdfView(ReportView):
    """The PDF: served from the stored document while what it shows is unchanged, else made now
    (measures/directory/report_documents.py)."""

    url_name = "measures:report-pdf"

    @staticmethod
    def pdf_context(request, context):
        party, cycle = context["party"], context["cycle"]
        page_url = request.build_absolute_uri(reverse(ReportView.url_name, args=[party.slug, cycle.year]))
        return {**context, "pdf": True, "page_url": page_url, "document": pdf_document()}

    def respond(self, request, context):
        from measures.directory.report_documents import report_pdf

        party, cycle = context["party"], context["cycle"]
        with translation.override(request.LANGUAGE_CODE):  # the address's language (/fr/…, /es/…)
            pdf = report_pdf(request, self.pdf_context(request, context))
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"periodic-report-{party.slug}-{cycle.year}.pdf"
        response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=name)
        return response


class StaticFilesFetcher:
    """WeasyPrint's URL fetcher for the PDF: the site's own static files, read from disk (the collected files, or
    the static folders while developing); anything else is refused, so that making a PDF never touches the
    network."""

    def __init__(self, base_url):
        self.origin = urlsplit(base_url)._replace(path="", query="", fragment="")
        self.static_path = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"

    def path(self, url):
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (self.origin.scheme, self.origin.netloc):
            return None
        if not parts.path.startswith(self.static_path):
            return None
        name = unquote(parts.path[len(self.static_path) :])
        try:
            if staticfiles_storage.exists(name):
                return staticfiles_storage.path(name)
            return finders.find(name)
        except (SuspiciousFileOperation, NotImplementedError, ValueError):
            return None

    def fetch(self, url, headers=None):
        from weasyprint.urls import URLFetcherResponse

        path = self.path(url)
        if not path:
            raise ValueError(f"Not fetched (only the site's static files are): {url}")
        with open(path, "rb") as file:
            body = file.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    __call__ = fetch


def render_pdf(request, context):
    """The report page as a PDF: the same template in the active language, WeasyPrint's print media (the print
    stylesheet's cover, table of contents and page numbers), links made absolute against the page's address.
    Seconds of work for a long report: report_documents.report_pdf keeps what it makes."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class Fetcher(URLFetcher, StaticFilesFetcher):
        def __init__(self, base_url):
            URLFetcher.__init__(self)
            StaticFilesFetcher.__init__(self, base_url)

        fetch = StaticFilesFetcher.fetch
        __call__ = StaticFilesFetcher.fetch

    html = render_to_string(TEMPLATE, context, request=request)
    base_url = request.build_absolute_uri()
    return HTML(string=html, base_url=base_url, url_fetcher=Fetcher(base_url)).write_pdf()
