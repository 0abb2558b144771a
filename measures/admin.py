from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from measures.models import (
    AreaOfMonitoring,
    CulturalDomain,
    Goal,
    Measure,
    Organisation,
    OrganisationMembership,
    Partner,
    Party,
    PeriodicReport,
    ReportingCycle,
)


class PeriodicReportInline(admin.TabularInline):
    model = PeriodicReport
    extra = 0
    fields = ("cycle", "status", "submission_date", "language", "source_url")
    show_change_link = True


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ("name_en", "iso3", "kind", "instrument", "deposit_date", "entry_into_force", "electoral_group")
    list_filter = ("kind", "instrument", "electoral_group", "unesco_region")
    search_fields = ("name_en", "name_fr", "name_es", "iso3")
    readonly_fields = ("slug",)
    date_hierarchy = "deposit_date"
    inlines = [PeriodicReportInline]
    fieldsets = (
        (None, {"fields": ("name_en", "name_fr", "name_es", "iso3", "slug", "kind")}),
        (
            _("Instrument"),
            {"fields": ("instrument", "deposit_date", "entry_into_force", "declarations", "source_url")},
        ),
        (_("Groups"), {"fields": ("electoral_group", "unesco_region")}),
    )


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    fk_name = "member"
    extra = 0
    autocomplete_fields = ("organisation",)
    verbose_name = _("membership in another organisation")
    verbose_name_plural = _("memberships in other organisations")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "acronym", "kind", "country", "founding_year")
    list_filter = ("kind",)
    list_select_related = ("country",)
    search_fields = ("name", "acronym", "slug")
    autocomplete_fields = ("country",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(admin.ModelAdmin):
    list_display = ("member", "role", "organisation")
    list_filter = ("role",)
    list_select_related = ("member", "organisation")
    search_fields = ("member__name", "member__acronym", "organisation__name", "organisation__acronym")
    autocomplete_fields = ("member", "organisation")


class AreaInline(admin.TabularInline):
    model = AreaOfMonitoring
    extra = 0
    fields = ("slug", "name_en", "name_fr", "name_es", "position")


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("number", "name_en", "name_fr", "name_es")
    search_fields = ("name_en", "name_fr", "name_es")
    inlines = [AreaInline]


@admin.register(AreaOfMonitoring)
class AreaOfMonitoringAdmin(admin.ModelAdmin):
    list_display = ("name_en", "goal", "slug", "position")
    list_filter = ("goal",)
    list_select_related = ("goal",)
    search_fields = ("name_en", "name_fr", "name_es", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(CulturalDomain)
class CulturalDomainAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_fr", "name_es", "slug", "position")
    search_fields = ("name_en", "name_fr", "name_es", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(ReportingCycle)
class ReportingCycleAdmin(admin.ModelAdmin):
    list_display = ("year", "deadline")
    search_fields = ("year",)


@admin.register(PeriodicReport)
class PeriodicReportAdmin(admin.ModelAdmin):
    list_display = ("party", "cycle", "status", "submission_date", "language")
    list_filter = ("cycle", "status", "language")
    list_select_related = ("party", "cycle")
    search_fields = ("party__name_en", "party__iso3")
    autocomplete_fields = ("party", "cycle")


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 1
    fields = ("name", "entity_type", "organisation", "position")
    autocomplete_fields = ("organisation",)


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("title", "party", "reported_by", "organisation", "report_year", "status", "updated_at")
    list_filter = ("status", "reported_by", "report_year", "goals", "areas", "domains", "party__electoral_group")
    list_select_related = ("party", "organisation")
    search_fields = ("title", "party__name_en", "party__iso3", "organisation__name", "organisation__acronym")
    autocomplete_fields = ("party", "periodic_report", "organisation")
    filter_horizontal = ("areas", "goals_ticked", "domains")
    readonly_fields = ("goal_list", "version", "created_at", "created_by", "updated_at", "updated_by", "published_at")
    inlines = [PartnerInline]
    show_full_result_count = False
    date_hierarchy = "updated_at"
    fieldsets = (
        (None, {"fields": ("title", "party", "periodic_report", "report_year", "reported_by", "organisation")}),
        (_("Period"), {"fields": ("period_start", "period_end")}),
        (
            _("Description"),
            {
                "fields": (
                    "main_features",
                    "results",
                    "financial_resources",
                    "financial_resources_usd",
                    "evaluated",
                    "evaluation_findings",
                )
            },
        ),
        (
            _("Classification"),
            {
                "fields": (
                    "areas",
                    "goals_ticked",
                    "goal_list",
                    "domains",
                    "is_youth",
                    "is_preferential_treatment",
                    "is_innovative",
                )
            },
        ),
        (_("Record"), {"fields": ("language", "source_url", "status")}),
        (
            _("Audit"),
            {"fields": ("version", "created_at", "created_by", "updated_at", "updated_by", "published_at")},
        ),
    )

    @admin.display(description=_("goals (from areas and ticked)"))
    def goal_list(self, obj):
        return ", ".join(str(goal) for goal in obj.goals.all()) if obj.pk else "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "entity_type", "measure", "organisation")
    list_filter = ("entity_type",)
    list_select_related = ("measure", "organisation")
    search_fields = ("name", "measure__title")
    autocomplete_fields = ("measure", "organisation")
