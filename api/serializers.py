"""Flat, documented representations of published data."""

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from experts.models import Body, Meeting, MeetingDocument, MeetingOrganiser, MeetingTopic, Outcome
from measures.columns import IN_API
from measures.models import AreaOfMonitoring, CulturalDomain, Goal, Measure, Organisation, Partner, Party


class PortalModelSerializer(serializers.ModelSerializer):
    """URLs stored as the sources give them (some carry unencoded brackets) are plain strings, not `uri`."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: serializers.CharField,
    }


class TranslatedNamesMixin(serializers.Serializer):
    name_en = serializers.CharField(help_text="Name in English.")
    name_fr = serializers.CharField(help_text="Name in French (may be empty).")
    name_es = serializers.CharField(help_text="Name in Spanish (may be empty).")


class GoalSerializer(TranslatedNamesMixin, PortalModelSerializer):
    class Meta:
        model = Goal
        fields = ["number", "name_en", "name_fr", "name_es"]


class AreaSerializer(TranslatedNamesMixin, PortalModelSerializer):
    goal = serializers.IntegerField(source="goal.number", help_text="Number of the goal the area belongs to.")

    class Meta:
        model = AreaOfMonitoring
        fields = ["slug", "goal", "name_en", "name_fr", "name_es"]


class DomainSerializer(TranslatedNamesMixin, PortalModelSerializer):
    class Meta:
        model = CulturalDomain
        fields = ["slug", "name_en", "name_fr", "name_es"]


class PartyRefSerializer(PortalModelSerializer):
    code = serializers.SerializerMethodField(help_text="ISO 3166-1 alpha-3 code; EU for the European Union.")
    name = serializers.CharField(source="name_en", help_text="Name in English.")

    class Meta:
        model = Party
        fields = ["code", "name"]

    def get_code(self, party) -> str:
        return party.slug.upper()


SYNTHETIC_HELP = (
    "true for a synthetic example, invented for demonstration by generate_demo_data and reported by no one; "
    "the measures filter synthetic=exclude leaves them out."
)


class OrganisationRefSerializer(PortalModelSerializer):
    is_synthetic = serializers.BooleanField(read_only=True, help_text=SYNTHETIC_HELP)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "acronym", "is_synthetic"]


class PartnerSerializer(PortalModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Partner
        fields = ["name", "entity_type", "organisation"]


class LinksMixin(serializers.Serializer):
    """The record's page on the portal and its own address in the API."""

    url = serializers.SerializerMethodField(help_text="The record's page on the portal.")
    api_url = serializers.SerializerMethodField(help_text="The record in this API.")
    api_view_name = None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj):
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, obj):
        return reverse(self.api_view_name, args=[self.api_lookup(obj)], request=self.context["request"])

    def api_lookup(self, obj):
        return obj.pk


class MeasureSerializer(LinksMixin, PortalModelSerializer):
    api_view_name = "api:measure-detail"
    party = PartyRefSerializer()
    organisation = OrganisationRefSerializer(allow_null=True, help_text="Reporting organisation, if any.")
    goals = serializers.SlugRelatedField(
        slug_field="number", many=True, read_only=True, help_text="Goals: the areas' goals plus goals ticked directly."
    )
    areas = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    domains = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    partners = PartnerSerializer(many=True)
    outcomes = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        read_only=True,
        help_text="Recommendations, decisions or reports this measure responds to (see /api/v1/outcomes/).",
    )
    is_synthetic = serializers.BooleanField(read_only=True, help_text=SYNTHETIC_HELP)

    class Meta:
        model = Measure
        fields = [column.api for column in IN_API]  # as measures/columns.py orders them


class PartySerializer(LinksMixin, PortalModelSerializer):
    api_view_name = "api:party-detail"
    code = serializers.SerializerMethodField(help_text="ISO 3166-1 alpha-3 code; EU for the European Union.")
    published_measures = serializers.IntegerField(source="measure_count", read_only=True)

    class Meta:
        model = Party
        fields = [
            "code",
            "url",
            "api_url",
            "iso3",
            "name_en",
            "name_fr",
            "name_es",
            "kind",
            "instrument",
            "deposit_date",
            "entry_into_force",
            "electoral_group",
            "unesco_region",
            "declarations",
            "source_url",
            "published_measures",
        ]

    def get_code(self, party) -> str:
        return party.slug.upper()

    def api_lookup(self, party):
        return party.slug


class OrganisationSerializer(LinksMixin, PortalModelSerializer):
    api_view_name = "api:organisation-detail"
    country = PartyRefSerializer(allow_null=True)
    member_of = serializers.SerializerMethodField(help_text="Organisations this one belongs to, with its role.")
    published_measures = serializers.IntegerField(source="measure_count", read_only=True)
    is_synthetic = serializers.BooleanField(read_only=True, help_text=SYNTHETIC_HELP)

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "url",
            "api_url",
            "name",
            "acronym",
            "kind",
            "country",
            "website",
            "founding_year",
            "description",
            "member_of",
            "published_measures",
            "is_synthetic",
        ]

    def get_member_of(self, organisation) -> list[dict]:
        return [
            {"organisation": link.organisation.slug, "role": role}
            for link in organisation.memberships.all()
            for role in link.roles
        ]

    def api_lookup(self, organisation):
        return organisation.slug


class ReportStatusSerializer(serializers.Serializer):
    """One row of the reporting status table: a Party and its periodic report for the chosen cycle."""

    party = PartyRefSerializer(source="*")
    electoral_group = serializers.CharField()
    cycle = serializers.SerializerMethodField()
    status = serializers.CharField(
        source="report_status",
        help_text="not_recorded (no information held), expected, draft, submitted, transmitted or published.",
    )
    overdue = serializers.BooleanField(
        source="is_overdue", help_text="Recorded as expected (or a draft) and not submitted by the cycle's deadline."
    )
    submission_date = serializers.DateField(source="report_submission_date", allow_null=True)
    submission_year = serializers.IntegerField(
        source="report_submission_year", allow_null=True, help_text="The year the source gives, without an exact date."
    )
    evidence = serializers.CharField(
        source="report_evidence",
        allow_null=True,
        help_text="What shows the submission: report_page, measure_page_report_year or civil_society_contribution.",
    )
    language = serializers.CharField(source="report_language", allow_null=True)
    source_url = serializers.CharField(source="report_source_url", allow_null=True)
    published_measures = serializers.IntegerField(source="cycle_measure_count", help_text="Of this report year.")

    def get_cycle(self, row) -> int:
        return self.context["cycle"].year


class BodyRefSerializer(PortalModelSerializer):
    class Meta:
        model = Body
        fields = ["slug", "name", "short_name"]


class BodySerializer(PortalModelSerializer):
    url = serializers.SerializerMethodField()
    aliases = serializers.ListField(source="alias_list", child=serializers.CharField())
    convened_by = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Body
        fields = [
            "slug",
            "url",
            "kind",
            "name",
            "short_name",
            "aliases",
            "mandate",
            "established_on",
            "planned_members",
            "convened_by",
            "description",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, body):
        return self.context["request"].build_absolute_uri(body.get_absolute_url())


class OrganiserSerializer(PortalModelSerializer):
    party = serializers.SerializerMethodField()
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = MeetingOrganiser
        fields = ["party", "organisation", "role", "note"]

    def get_party(self, organiser) -> str | None:
        return organiser.party.slug.upper() if organiser.party_id else None


class TopicSerializer(PortalModelSerializer):
    class Meta:
        model = MeetingTopic
        fields = ["position", "title", "summary"]


class DocumentSerializer(PortalModelSerializer):
    class Meta:
        model = MeetingDocument
        fields = ["title", "kind", "language", "url"]


class MeetingSerializer(LinksMixin, PortalModelSerializer):
    api_view_name = "api:meeting-detail"
    body = BodyRefSerializer()
    session = serializers.CharField(source="session_label", help_text='E.g. "18.IGC", "10.CP"; empty if none.')
    country = PartyRefSerializer(allow_null=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    organisers = OrganiserSerializer(many=True)
    topics = TopicSerializer(many=True)
    documents = DocumentSerializer(many=True)

    class Meta:
        model = Meeting
        fields = [
            "slug",
            "url",
            "api_url",
            "title",
            "body",
            "kind",
            "session",
            "start_date",
            "end_date",
            "year",
            "month",
            "city",
            "country",
            "venue",
            "format",
            "parent",
            "organisers",
            "topics",
            "documents",
            "description",
        ]

    def api_lookup(self, meeting):
        return meeting.slug


class OutcomeSerializer(PortalModelSerializer):
    url = serializers.SerializerMethodField()
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    meeting = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    part_of = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    follows_up = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    measures = serializers.SerializerMethodField(help_text="Ids of the published measures responding to it.")

    class Meta:
        model = Outcome
        fields = [
            "slug",
            "url",
            "kind",
            "number",
            "title",
            "text",
            "date",
            "year",
            "month",
            "status",
            "body",
            "meeting",
            "part_of",
            "follows_up",
            "measures",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, outcome):
        return self.context["request"].build_absolute_uri(outcome.get_absolute_url())

    def get_measures(self, outcome) -> list[int]:
        return [measure.pk for measure in outcome.measures.all()]
