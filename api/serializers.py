"""Flat, documented representations of published data."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from measures.models import AreaOfMonitoring, CulturalDomain, Goal, Measure, Organisation, Partner, Party


class TranslatedNamesMixin(serializers.Serializer):
    name_en = serializers.CharField(help_text="Name in English.")
    name_fr = serializers.CharField(help_text="Name in French (may be empty).")
    name_es = serializers.CharField(help_text="Name in Spanish (may be empty).")


class GoalSerializer(TranslatedNamesMixin, serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = ["number", "name_en", "name_fr", "name_es"]


class AreaSerializer(TranslatedNamesMixin, serializers.ModelSerializer):
    goal = serializers.IntegerField(source="goal.number", help_text="Number of the goal the area belongs to.")

    class Meta:
        model = AreaOfMonitoring
        fields = ["slug", "goal", "name_en", "name_fr", "name_es"]


class DomainSerializer(TranslatedNamesMixin, serializers.ModelSerializer):
    class Meta:
        model = CulturalDomain
        fields = ["slug", "name_en", "name_fr", "name_es"]


class PartyRefSerializer(serializers.ModelSerializer):
    code = serializers.SerializerMethodField(help_text="ISO 3166-1 alpha-3 code; EU for the European Union.")
    name = serializers.CharField(source="name_en", help_text="Name in English.")

    class Meta:
        model = Party
        fields = ["code", "name"]

    def get_code(self, party) -> str:
        return party.slug.upper()


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name", "acronym"]


class PartnerSerializer(serializers.ModelSerializer):
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


class MeasureSerializer(LinksMixin, serializers.ModelSerializer):
    api_view_name = "api:measure-detail"
    party = PartyRefSerializer()
    organisation = OrganisationRefSerializer(allow_null=True, help_text="Reporting organisation, if any.")
    goals = serializers.SlugRelatedField(
        slug_field="number", many=True, read_only=True, help_text="Goals: the areas' goals plus goals ticked directly."
    )
    areas = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    domains = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    partners = PartnerSerializer(many=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "url",
            "api_url",
            "title",
            "party",
            "organisation",
            "reported_by",
            "report_year",
            "period_start",
            "period_end",
            "main_features",
            "results",
            "financial_resources",
            "financial_resources_usd",
            "evaluated",
            "evaluation_findings",
            "goals",
            "areas",
            "domains",
            "partners",
            "is_youth",
            "is_preferential_treatment",
            "is_innovative",
            "language",
            "source_url",
            "published_at",
            "updated_at",
        ]
