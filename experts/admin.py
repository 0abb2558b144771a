from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from experts.models import (
    Body,
    Expert,
    Meeting,
    MeetingDocument,
    MeetingOrganiser,
    MeetingTopic,
    Membership,
    Outcome,
)
from measures.admin import MeasureAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("expert", "role", "term_start", "term_end")
    autocomplete_fields = ("expert",)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "session_code", "planned_members", "established_on")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "aliases", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("convened_by",)
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("kind", "name", "short_name", "session_code", "aliases", "slug", "language")}),
        (_("Mandate"), {"fields": ("mandate", "established_on", "planned_members", "convened_by", "description")}),
    )


class ExpertMembershipInline(MembershipInline):
    fields = ("body", "role", "term_start", "term_end")
    autocomplete_fields = ("body",)


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "affiliation")
    list_select_related = ("country",)
    search_fields = ("name", "affiliation", "expertise")
    autocomplete_fields = ("country",)
    inlines = [ExpertMembershipInline]


class OrganiserInline(admin.TabularInline):
    model = MeetingOrganiser
    extra = 0
    fields = ("organisation", "party", "role", "note", "position")
    autocomplete_fields = ("organisation", "party")


class TopicInline(admin.StackedInline):
    model = MeetingTopic
    extra = 0
    fields = ("position", "title", "summary")


class DocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0
    fields = ("title", "kind", "language", "url", "position")


class ChildMeetingInline(admin.TabularInline):
    model = Meeting
    fk_name = "parent"
    extra = 0
    fields = ("title", "slug", "body", "kind", "start_date", "end_date", "year", "month", "city", "country")
    autocomplete_fields = ("body", "country")
    show_change_link = True
    verbose_name = _("event that is part of this meeting")
    verbose_name_plural = _("events that are part of this meeting")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "session", "body", "kind", "dates", "city", "country")
    list_filter = ("body", "kind", "format", "year")
    list_select_related = ("body", "country")
    search_fields = ("title", "slug", "city", "venue", "body__name", "body__short_name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("body", "country", "parent", "participants")
    readonly_fields = ("updated_at",)
    inlines = [OrganiserInline, TopicInline, DocumentInline, ChildMeetingInline]
    fieldsets = (
        (None, {"fields": ("body", "kind", "session_number", "title", "slug", "parent", "language")}),
        (
            _("Dates"),
            {
                "fields": ("start_date", "end_date", "year", "month"),
                "description": _(
                    "Give the first and last day when they are known; otherwise only the year, or the year "
                    "and month. Never guess the days."
                ),
            },
        ),
        (_("Place"), {"fields": ("city", "country", "venue", "format")}),
        (None, {"fields": ("description", "participants", "updated_at")}),
    )

    @admin.display(description=_("session"))
    def session(self, obj):
        return obj.session_label

    @admin.display(description=_("dates"), ordering="span_start")
    def dates(self, obj):
        return obj.dates_display


class PartInline(admin.TabularInline):
    model = Outcome
    fk_name = "part_of"
    extra = 0
    fields = ("kind", "number", "title", "status", "slug")
    show_change_link = True
    verbose_name = _("part (e.g. a recommendation of this report)")
    verbose_name_plural = _("parts (e.g. the recommendations of this report)")


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("display_title", "kind", "status", "origin", "when")
    list_filter = ("kind", "status", "body")
    list_select_related = ("body", "meeting__body")
    search_fields = ("title", "text", "slug", "body__name", "body__short_name", "meeting__title")
    autocomplete_fields = ("body", "meeting", "part_of", "follows_up", "measures")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [PartInline]
    fieldsets = (
        (None, {"fields": ("kind", "number", "title", "slug", "status", "language")}),
        (_("Origin"), {"fields": ("body", "meeting", "part_of", "date", "year", "month")}),
        (None, {"fields": ("text", "follows_up", "measures")}),
    )

    @admin.display(description=_("from"))
    def origin(self, obj):
        return obj.meeting or obj.body

    @admin.display(description=_("date"), ordering="year")
    def when(self, obj):
        return obj.date_display


class MeasureOutcomeInline(admin.TabularInline):
    """On a measure's admin page: the recommendations and decisions the measure responds to."""

    model = Outcome.measures.through
    extra = 0
    autocomplete_fields = ("outcome",)
    verbose_name = _("outcome this measure responds to")
    verbose_name_plural = _("outcomes this measure responds to (recommendations, decisions)")


# The measures app knows nothing of outcomes; this app adds its inline to the measure's admin page.
MeasureAdmin.inlines = [*MeasureAdmin.inlines, MeasureOutcomeInline]
