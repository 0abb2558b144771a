"""Public pages: meetings (with their calendar files and CSV and XLSX downloads), bodies and outcomes."""

from django.db.models import Count, Prefetch
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from core.spreadsheets import ListDownloadView, describe_filters
from experts import columns, ics
from experts.filters import MeetingFilter
from experts.models import Body, Meeting, MeetingOrganiser, Membership, Outcome
from measures.models import Measure, Party

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


def published_measures():
    return Measure.objects.published().select_related("party").order_by("title")


class MeetingListView(ListView):
    template_name = "experts/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 20

    def get_queryset(self):
        self.filterset = MeetingFilter(self.request.GET, queryset=Meeting.objects.all())
        return self.filterset.qs.with_list_relations().in_calendar_order(self.filterset.today)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filterset=self.filterset,
            facets=self.filterset.facets(),
            filter_errors=self.filterset.error_messages(),
            calendar_query=self.filterset.query(),
            today=self.filterset.today,
            **kwargs,
        )


class MeetingDetailView(DetailView):
    template_name = "experts/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        organisers = MeetingOrganiser.objects.select_related("party", "organisation")
        return Meeting.objects.select_related("body", "country", "parent__body").prefetch_related(
            Prefetch("organisers", queryset=organisers),
            "topics",
            "documents",
            Prefetch("children", queryset=Meeting.objects.select_related("body", "country").order_by("span_start")),
            Prefetch("children__organisers", queryset=organisers),
            "participants__country",
            Prefetch("outcomes", queryset=Outcome.objects.select_related("part_of").order_by("kind", "number")),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_upcoming=self.object.is_upcoming(), **kwargs)


class MeetingCalendarView(View):
    """/meetings/<slug>.ics: one meeting; 404 with an explanation while its exact days are unknown."""

    def get(self, request, slug):
        meeting = get_object_or_404(Meeting.objects.select_related("body", "country"), slug=slug)
        if not meeting.has_exact_dates:
            return render(request, "experts/no_calendar.html", {"meeting": meeting}, status=404)
        body = ics.calendar_for(
            [meeting], lambda item: request.build_absolute_uri(item.get_absolute_url()), str(meeting)
        )
        response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{meeting.slug}.ics"'
        return response


class MeetingsCalendarView(View):
    """/meetings/calendar.ics: the meetings the same filters as /meetings/ select, those with exact dates."""

    def get(self, request):
        filterset = MeetingFilter(request.GET, queryset=Meeting.objects.all())
        if not filterset.is_valid():
            return HttpResponseBadRequest(
                "\n".join([_("These filters were not understood:"), *filterset.error_messages()]),
                content_type="text/plain; charset=utf-8",
            )
        meetings = filterset.qs.with_exact_dates().select_related("body", "country").order_by("span_start", "pk")
        body = ics.calendar_for(
            meetings, lambda item: request.build_absolute_uri(item.get_absolute_url()), _("Convention meetings")
        )
        return HttpResponse(body, content_type=ICS_CONTENT_TYPE)


class MeetingDownloadView(ListDownloadView):
    """/meetings/export.csv and .xlsx: the meetings the same filters as /meetings/ select, in its order
    (columns.MEETINGS), with their dates exactly as recorded."""

    stem = "meetings"
    columns = columns.MEETINGS
    page_url_name, csv_url_name = "experts:meeting-list", "experts:meeting-export-csv"
    title = gettext_lazy("Meetings")
    description = gettext_lazy(
        "The sessions of the Convention's governing bodies, the meetings of its expert groups and the events "
        "around them that match the filters below, one row per meeting, in the order of the list on the portal."
    )
    notes = (
        gettext_lazy(
            "Dates are given as recorded: the first and last day only where the exact days are known; where only "
            "the month or the year is known, those days are empty and no day is guessed."
        ),
    )

    def get_filterset(self):
        return MeetingFilter(self.request.GET, queryset=Meeting.objects.all(), request=self.request)

    def get_rows(self, filterset):
        return filterset.qs.with_list_relations().in_calendar_order(filterset.today)

    def describe_filters(self, filterset):
        chosen = filterset.cleaned.get("body") or []
        bodies = {body.slug: str(body.name) for body in Body.objects.filter(slug__in=chosen)}
        code = filterset.cleaned.get("country")
        countries = {party.iso3: str(party.name) for party in Party.objects.filter(iso3=code)} if code else {}
        return describe_filters(
            filterset,
            labels={"body": lambda slug: bodies.get(slug, slug), "country": lambda iso3: countries.get(iso3, iso3)},
        )


class BodyListView(ListView):
    template_name = "experts/body_list.html"
    context_object_name = "bodies"

    def get_queryset(self):
        return Body.objects.in_kind_order().annotate(meeting_count=Count("meetings"))


class BodyDetailView(DetailView):
    template_name = "experts/body_detail.html"
    context_object_name = "body"

    def get_queryset(self):
        return Body.objects.select_related("convened_by")

    def get_context_data(self, **kwargs):
        body = self.object
        today = timezone.localdate()
        return super().get_context_data(
            memberships=Membership.objects.filter(body=body).select_related("expert__country"),
            meetings=body.meetings.with_list_relations().in_calendar_order(today),
            outcomes=Outcome.objects.for_body(body).filter(part_of__isnull=True).with_chain().in_date_order(),
            convened=body.convened_bodies.all(),
            today=today,
            **kwargs,
        )


class OutcomeDetailView(DetailView):
    template_name = "experts/outcome_detail.html"
    context_object_name = "outcome"

    def get_queryset(self):
        return Outcome.objects.with_chain()
