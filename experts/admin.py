from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import TranslatedAdmin, in_any_language, side_by_side
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
class BodyAdmin(TranslatedAdmin):
    list_display = ("name_en", "short_name_en", "kind", "session_code", "planned_members", "translations")
    list_filter = ("kind",)
    search_fields = (*in_any_language("name", "short_name", "aliases"), "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ("convened_by",)
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("kind", *side_by_side("name", "short_name", "aliases"), "session_code", "slug")}),
        (_("Mandate"), {"fields": (*side_by_side("mandate"), "established_on", "planned_members", "convened_by")}),
        (_("Description"), {"fields": side_by_side("description")}),
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
    fields = ("organisation", "party", "role", "note_en", "note_fr", "note_es", "position")
    autocomplete_fields = ("organisation", "party")


class TopicInline(admin.StackedInline):
    model = MeetingTopic
    extra = 0
    fields = ("position", *side_by_side("title", "summary"))


class DocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0
    fields = ("title", "kind", "language", "url", "position")


class ChildMeetingInline(admin.TabularInline):
    model = Meeting
    fk_name = "parent"
    extra = 0
    fields = ("title_en", "slug", "body", "kind", "start_date", "end_date", "year", "month", "city_en", "country")
    autocomplete_fields = ("body", "country")
    show_change_link = True
    verbose_name = _("event that is part of this meeting")
    verbose_name_plural = _("events that are part of this meeting")


@admin.register(Meeting)
class MeetingAdmin(TranslatedAdmin):
    list_display = ("title_en", "session", "body_name", "kind", "dates", "country", "translations")
    list_filter = ("body", "kind", "format", "year")
    list_select_related = ("body", "country")
    search_fields = (*in_any_language("title", "city", "venue", "body__name", "body__short_name"), "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ("body", "country", "parent", "participants")
    readonly_fields = ("updated_at",)
    inlines = [OrganiserInline, TopicInline, DocumentInline, ChildMeetingInline]
    fieldsets = (
        (None, {"fields": ("body", "kind", "session_number", *side_by_side("title"), "slug", "parent")}),
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
        (_("Place"), {"fields": (*side_by_side("city", "venue"), "country", "format")}),
        (_("Description"), {"fields": (*side_by_side("description"), "participants", "updated_at")}),
    )

    @admin.display(description=_("session"))
    def session(self, obj):
        return obj.session_label

    @admin.display(description=_("body"), ordering="body__name_en")
    def body_name(self, obj):
        return obj.body.display_name

    @admin.display(description=_("dates"), ordering="span_start")
    def dates(self, obj):
        return obj.dates_display


class PartInline(admin.TabularInline):
    model = Outcome
    fk_name = "part_of"
    extra = 0
    fields = ("kind", "number", "title_en", "title_fr", "title_es", "status", "slug")
    show_change_link = True
    verbose_name = _("part (e.g. a recommendation of this report)")
    verbose_name_plural = _("parts (e.g. the recommendations of this report)")


@admin.register(Outcome)
class OutcomeAdmin(TranslatedAdmin):
    list_display = ("display_title", "kind", "status", "origin", "when", "translations")
    list_filter = ("kind", "status", "body")
    list_select_related = ("body", "meeting__body")
    search_fields = (*in_any_language("title", "text", "body__name", "body__short_name", "meeting__title"), "slug")
    autocomplete_fields = ("body", "meeting", "part_of", "follows_up", "measures")
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = [PartInline]
    fieldsets = (
        (None, {"fields": ("kind", "number", *side_by_side("title"), "slug", "status")}),
        (_("Origin"), {"fields": ("body", "meeting", "part_of", "date", "year", "month")}),
        (None, {"fields": (*side_by_side("text"), "follows_up", "measures")}),
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
