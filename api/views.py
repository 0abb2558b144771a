"""Read-only open data: the same published records and the same filters as the portal's pages."""

from django.db.models import Prefetch
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from api import serializers
from api.pagination import MeasurePagination
from convention_portal import page_cache
from experts.filters import MeetingFilter
from experts.models import Body, Meeting, Outcome
from measures.directory.filters import (
    OrganisationFilter,
    PartyFilter,
    ReportStatusFilter,
)
from measures.filters import MeasureFilter
from measures.models import AreaOfMonitoring, CulturalDomain, Goal, Measure, Organisation, Party


class LastModifiedMixin:
    """Last-Modified: the time of the last public change (convention_portal.page_cache.last_public_change), read
    before the records are. Not the newest change among the records answered, which goes back in time when the
    newest is withdrawn or deleted. ETag comes from the middleware.

    A list kept by page_cache.remember (`remembered_list`) reads it with its data and keeps both together, so that
    an answer from the cache costs no query."""

    remembered_list = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not (self.remembered_list and self.action == "list"):
            self._public_change = page_cache.last_public_change()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        changed_at = getattr(self, "_public_change", None)
        header = page_cache.last_modified_header(changed_at) if changed_at else None
        if response.status_code == 200 and header:
            response["Last-Modified"] = header
        return response


class MeasureViewSet(LastModifiedMixin, viewsets.ReadOnlyModelViewSet):
    """Published measures. Filters: the same parameters as the portal's /measures/ page."""

    serializer_class = serializers.MeasureSerializer
    filterset_class = MeasureFilter
    pagination_class = MeasurePagination
    remembered_list = True

    def get_queryset(self):
        return (
            Measure.objects.published()
            .with_list_relations()
            .prefetch_related("goals", "areas", "domains", "partners__organisation", "outcomes")
        )

    def list(self, request, *args, **kwargs):
        # The answer is cached like the portal's pages, until the data changes; throttling has run before.
        address = (request.get_host(), request.get_full_path(), get_language())
        data, self._public_change = page_cache.remember("api-measures", address, self.list_data)
        return Response(data)

    def list_data(self):
        """(the page's data, the last public change before it was read); bad filters or pages raise."""
        self._public_change = page_cache.last_public_change()
        measures = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(measures)
        return self.get_paginated_response(self.get_serializer(page, many=True).data).data, self._public_change


class GoalViewSet(viewsets.ReadOnlyModelViewSet):
    """The monitoring framework's four goals."""

    queryset = Goal.objects.all()
    serializer_class = serializers.GoalSerializer
    pagination_class = None


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """The areas of monitoring, each under one goal."""

    queryset = AreaOfMonitoring.objects.select_related("goal")
    serializer_class = serializers.AreaSerializer
    pagination_class = None
    lookup_field = "slug"


class DomainViewSet(viewsets.ReadOnlyModelViewSet):
    """The cultural domains."""

    queryset = CulturalDomain.objects.all()
    serializer_class = serializers.DomainSerializer
    pagination_class = None
    lookup_field = "slug"


class PartyViewSet(viewsets.ReadOnlyModelViewSet):
    """Parties to the Convention. Filters: the same parameters as the portal's /parties/ page."""

    serializer_class = serializers.PartySerializer
    queryset = Party.objects.none()  # the model, for the schema: get_queryset() reads the names to sort by
    filterset_class = PartyFilter
    lookup_field = "slug"
    lookup_url_kwarg = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return Party.objects.with_measure_counts()

    def get_object(self):
        self.kwargs[self.lookup_url_kwarg] = self.kwargs[self.lookup_url_kwarg].lower()
        return super().get_object()


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations. Filters: the same parameters as the portal's /organizations/ page."""

    serializer_class = serializers.OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return Organisation.objects.with_measure_counts().prefetch_related("memberships__organisation")


@extend_schema_view(list=extend_schema(responses=serializers.ReportStatusSerializer(many=True)))
class ReportStatusViewSet(viewsets.GenericViewSet):
    """The reporting status of every Party for one cycle, as on the portal's /reports/ page."""

    serializer_class = serializers.ReportStatusSerializer
    queryset = Party.objects.none()
    filterset_class = ReportStatusFilter

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "cycle": self.filterset.selected_cycle}
        return self.get_paginated_response(self.get_serializer_class()(page, many=True, context=context).data)


class BodyViewSet(viewsets.ReadOnlyModelViewSet):
    """The Convention's governing bodies and the expert groups advising it."""

    serializer_class = serializers.BodySerializer
    queryset = Body.objects.select_related("convened_by").in_kind_order()
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"


class MeetingViewSet(LastModifiedMixin, viewsets.ReadOnlyModelViewSet):
    """Meetings, upcoming first. Filters: the same parameters as the portal's /meetings/ page."""

    serializer_class = serializers.MeetingSerializer
    filterset_class = MeetingFilter
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return Meeting.objects.all()

    def filter_queryset(self, queryset):
        return (
            super()
            .filter_queryset(queryset)
            .with_list_relations()
            .prefetch_related("topics", "documents")
            .in_calendar_order()
        )

    def list(self, request, *args, **kwargs):
        meetings = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(meetings)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class OutcomeViewSet(viewsets.ReadOnlyModelViewSet):
    """Recommendations, decisions, resolutions and reports, with the published measures responding to them."""

    serializer_class = serializers.OutcomeSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return (
            Outcome.objects.select_related("body", "meeting", "part_of")
            .prefetch_related(
                "follows_up", Prefetch("measures", queryset=Measure.objects.published().only("pk").order_by("pk"))
            )
            .in_date_order()
        )
