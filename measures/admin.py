"""The back office: reference data for the secretariat, and measures through the review workflow.

Who sees what comes from one queryset per model (`Measure.objects.visible_to(user)`,
`PeriodicReport.objects.visible_to(user)`, `Partner.objects.visible_to(user)`); who may change, delete
or move what comes from measures/workflow.py. The admin only wires them in, for the changelist, the change
and history pages, autocomplete, export and import alike.
"""

import itertools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import ModelChoiceIterator
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from import_export.admin import ExportMixin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin

from accounts.roles import is_reviewer, represented
from core.admin import TranslatedAdmin, in_any_language, side_by_side
from core.validators import validate_no_control_characters
from imports.views import ImportViews
from measures import workflow
from measures.models import (
    PUBLIC_KINDS,
    AreaOfMonitoring,
    CulturalDomain,
    Goal,
    Measure,
    Organisation,
    OrganisationMembership,
    Partner,
    Party,
    PartyCount,
    PeriodicReport,
    ReportingCycle,
)
from measures.resources import MeasureExportResource


def site_url(request):
    """Scheme and host, so links in notification mail are absolute."""
    return request.build_absolute_uri("/").rstrip("/")


def editor_choices(user):
    """For an editor who speaks only for organisations (or only for Parties), the ones they may choose from.

    Returns {"organisation": queryset} or {"party": queryset}, or {} for the secretariat and mixed cases, where
    the form's scope check (MeasureAdminForm.clean) is what keeps a measure inside the user's reach.
    """
    if is_reviewer(user):
        return {}
    scope = represented(user)
    if scope.organisation_ids and not scope.party_ids:
        return {"organisation": Organisation.objects.filter(pk__in=scope.organisation_ids)}
    if scope.party_ids and not scope.organisation_ids:
        return {"party": Party.objects.filter(pk__in=scope.party_ids)}
    return {}


def is_autocomplete_for(request, model, field_name):
    params = request.GET
    return (
        request.resolver_match is not None
        and request.resolver_match.url_name == "autocomplete"
        and params.get("app_label") == model._meta.app_label
        and params.get("model_name") == model._meta.model_name
        and params.get("field_name") == field_name
    )


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """Field-level history, shown only for objects the user may see, and never a way to write."""

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the newest historical record when the object is outside get_queryset();
        # that would show other people's records, so check first.
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class PeriodicReportInline(admin.TabularInline):
    model = PeriodicReport
    extra = 0
    fields = ("cycle", "status", "submission_date", "submission_year", "language", "evidence", "source_url")
    readonly_fields = ("status",)
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=PeriodicReport.objects.visible_to(request.user))


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

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        limited = editor_choices(request.user).get("party")
        if limited is not None and is_autocomplete_for(request, Measure, "party"):
            queryset = queryset.filter(pk__in=limited)
        return queryset, may_have_duplicates


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    fk_name = "member"
    extra = 0
    autocomplete_fields = ("organisation",)
    verbose_name = _("membership in another organisation")
    verbose_name_plural = _("memberships in other organisations")


@admin.register(Organisation)
class OrganisationAdmin(TranslatedAdmin):
    list_display = ("name_en", "acronym_en", "kind", "country", "founding_year", "translations")
    list_filter = ("kind",)
    list_select_related = ("country",)
    search_fields = (*in_any_language("name", "acronym"), "slug")
    autocomplete_fields = ("country",)
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": (*side_by_side("name", "acronym"), "slug", "kind", "country")}),
        (_("About"), {"fields": ("website", "founding_year", *side_by_side("description"))}),
    )

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        limited = editor_choices(request.user).get("organisation")
        if limited is not None and is_autocomplete_for(request, Measure, "organisation"):
            queryset = queryset.filter(pk__in=limited)
        return queryset, may_have_duplicates


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(admin.ModelAdmin):
    list_display = ("member", "is_member", "holds_secretariat", "organisation")
    list_filter = ("is_member", "holds_secretariat")
    list_select_related = ("member", "organisation")
    search_fields = in_any_language("member__name", "member__acronym", "organisation__name", "organisation__acronym")
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
    list_display = ("year", "deadline", "every_party_expected")
    search_fields = ("year",)


@admin.register(PartyCount)
class PartyCountAdmin(admin.ModelAdmin):
    list_display = ("as_of", "at_least")
    date_hierarchy = "as_of"


@admin.register(PeriodicReport)
class PeriodicReportAdmin(ScopedHistoryAdmin):
    """The secretariat keeps every report; a focal point sees their Party's and drafts the open cycle's."""

    list_display = ("party", "cycle", "status", "submission_date", "submission_year", "evidence", "language")
    list_filter = ("cycle", "status", "evidence", "language")
    list_select_related = ("party", "cycle")
    search_fields = ("party__name_en", "party__iso3")
    autocomplete_fields = ("party", "cycle")
    readonly_fields = ("status",)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).select_related("party", "cycle")

    def get_readonly_fields(self, request, obj=None):
        fields = ["status"]
        if not is_reviewer(request.user):
            fields += ["submission_date", "submission_year", "evidence"]
            if obj is not None:
                fields += ["party", "cycle"]
        return fields

    def get_autocomplete_fields(self, request):
        return ("party", "cycle") if is_reviewer(request.user) else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not is_reviewer(request.user):
            if db_field.name == "party":
                kwargs["queryset"] = Party.objects.filter(pk__in=represented(request.user).party_ids)
            elif db_field.name == "cycle":
                cycle = workflow.open_cycle()
                kwargs["queryset"] = ReportingCycle.objects.filter(pk=cycle.pk if cycle else None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and (
            is_reviewer(request.user) or bool(represented(request.user).party_ids)
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit_report(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and is_reviewer(request.user)

    def save_model(self, request, obj, form, change):
        if not change and not is_reviewer(request.user):
            obj.status = PeriodicReport.Status.DRAFT
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/move/<slug:move>/",
                self.admin_site.admin_view(require_POST(self.move_view)),
                name="measures_periodicreport_move",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["report_moves"] = [
                {"rule": rule, "url": reverse("admin:measures_periodicreport_move", args=[obj.pk, rule.move])}
                for rule in workflow.allowed_report_moves(request.user, obj)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def move_view(self, request, object_id, move):
        report = self.get_object(request, unquote(object_id))
        if report is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        try:
            rule = workflow.transition_report(report, move, request.user)
        except workflow.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, str(rule.done), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:measures_periodicreport_change", args=[report.pk]))


class AreasByGoal(ModelChoiceIterator):
    """The areas of monitoring as choices grouped under their goal (the queryset is ordered by goal)."""

    def __iter__(self):
        for goal, areas in itertools.groupby(self.queryset, key=lambda area: area.goal):
            yield str(goal), [self.choice(area) for area in areas]


class AreasByGoalField(forms.ModelMultipleChoiceField):
    iterator = AreasByGoal


class CountsCharacters:
    """Form mixin: a text field with a length limit gets a live character count (static/js/char_count.js) instead of
    the browser's `maxlength`, which silently cuts pasted text; a text that is too long is then the form's error,
    shown with the whole text kept."""

    def count_characters(self):
        for field in self.fields.values():
            max_length = getattr(field, "max_length", None)
            if max_length and not field.widget.is_hidden:
                field.widget.attrs.pop("maxlength", None)
                field.widget.attrs["data-max-length"] = max_length
                field.widget.attrs["data-count-label"] = _("%(count)s of %(limit)s characters")


class PartnerForm(CountsCharacters, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_characters()
        # A row of the partners' table has its labels only in the table's header: each field names itself too.
        for field in self.fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's related-object wrapper
            widget.attrs.setdefault("aria-label", str(field.label))


class PartnerInline(admin.TabularInline):
    model = Partner
    form = PartnerForm
    extra = 1
    fields = ("name", "entity_type", "organisation", "position")
    autocomplete_fields = ("organisation",)


class MeasureAdminForm(CountsCharacters, forms.ModelForm):
    """The measure form, carrying the version it was read at so a save over someone else's is refused.

    A review button (submit, return, publish…) sends this form with the move it asks for (`_move`): the form is
    checked and saved and the measure moved in one transaction, so nothing typed is lost and nothing half-done."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    move_comment = forms.CharField(
        label=_("Comment for the editors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Required to return or withdraw the measure. The editors read it beside their form and by mail."),
    )

    #: The user filling in the form and the review move they asked for; set per request by MeasureAdmin.get_form().
    user = None
    requested_move = None

    class Meta:
        model = Measure
        # What the admin shows is set by MeasureAdmin.get_fieldsets(); this is the most any form may hold.
        fields = [
            "title",
            "party",
            "periodic_report",
            "report_year",
            "reported_by",
            "organisation",
            "period_start",
            "period_end",
            "main_features",
            "results",
            "financial_resources",
            "financial_resources_usd",
            "evaluated",
            "evaluation_findings",
            "areas",
            "goals_ticked",
            "domains",
            "is_youth",
            "is_preferential_treatment",
            "is_innovative",
            "language",
            "source_url",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            for field, value in workflow.new_measure_defaults(self.user).items():
                setattr(self.instance, field, value)
        else:
            self.initial.setdefault("expected_version", self.instance.version)
        if "title" in self.fields:
            self.fields["title"].widget = forms.Textarea(attrs={"rows": 2, "cols": 80, "class": "vLargeTextField"})
        self.count_characters()

    @property
    def move_rule(self):
        """The review move this POST asks for, or None."""
        return workflow.TRANSITIONS.get(self.requested_move) if self.requested_move else None

    def chosen_id(self, name):
        """The related id the measure will have: the form's where the user may set it, else the one it has."""
        if name in self.fields:
            value = self.cleaned_data.get(name)
            return value.pk if value is not None else None
        return getattr(self.instance, f"{name}_id")

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            try:
                workflow.lock_version(self.instance.pk, cleaned_data.get("expected_version"))
            except workflow.StaleVersion as error:
                # Carry the current version, so that saving again, knowingly, replaces the other version.
                self.data = self.data.copy()
                self.data[self.add_prefix("expected_version")] = error.current_version
                raise ValidationError(str(error), code="stale") from None
        scope_fields = ("reported_by", "organisation", "party")
        if self.user is not None and not is_reviewer(self.user) and not any(map(self.has_error, scope_fields)):
            candidate = Measure(
                reported_by=cleaned_data.get("reported_by", self.instance.reported_by),
                organisation_id=self.chosen_id("organisation"),
                party_id=self.chosen_id("party"),
            )
            if not workflow.speaks_for(self.user, candidate):
                raise ValidationError(
                    _("You can only save measures of the organisations or Parties you speak for."), code="scope"
                )
        self.check_organisation(cleaned_data)
        self.check_periodic_report()
        self.check_move(cleaned_data)
        return cleaned_data

    def check_organisation(self, cleaned_data):
        """A Party's own measure may name only a public body of that Party, unless the secretariat says otherwise:
        a focal point cannot credit it to a civil-society organisation, whose page and count would then show it."""
        if self.user is None or is_reviewer(self.user) or self.has_error("organisation"):
            return
        reported_by = cleaned_data.get("reported_by", self.instance.reported_by)
        organisation_id = self.chosen_id("organisation")
        if reported_by != Measure.ReportedBy.PARTY or organisation_id is None:
            return
        country_id, kind = Organisation.objects.filter(pk=organisation_id).values_list("country_id", "kind").get()
        if country_id != self.chosen_id("party") or kind not in PUBLIC_KINDS:
            self.add_error(
                "organisation" if "organisation" in self.fields else None,
                _(
                    "A measure reported by a Party may name only one of that Party's public bodies (a ministry, a "
                    "public body, its National Commission for UNESCO); a civil-society organisation reports its "
                    "own measures."
                ),
            )

    def check_periodic_report(self):
        report = self.cleaned_data.get("periodic_report")
        if report is not None and not self.has_error("party") and report.party_id != self.chosen_id("party"):
            self.add_error(
                "periodic_report", _("This report is another Party's: choose one of the measure's Party, or none.")
            )

    def check_move(self, cleaned_data):
        """The move asked for must be allowed now, with its comment where one is required: else nothing is saved."""
        if self.requested_move is None:
            return
        rule = self.move_rule
        if rule is None or self.instance.pk is None:
            raise ValidationError(_("This review step does not exist."), code="move")
        reason = workflow.refusal(self.user, self.instance, rule)
        if reason:
            raise ValidationError(reason, code="move")
        comment = cleaned_data.get("move_comment", "").strip()
        if rule.comment_required and not comment:
            self.add_error("move_comment", _("Please write a comment: the editors need to know why."))
        validate_no_control_characters(comment, self.fields["move_comment"].label)


class MeasureChangeList(ChangeList):
    #: Long texts the list never shows: reading them for 100 rows per page costs more than the rest together.
    UNSHOWN_FIELDS = ("main_features", "results", "financial_resources", "evaluation_findings", "search_vector")

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*self.UNSHOWN_FIELDS)


@admin.register(Measure)
class MeasureAdmin(ImportViews, ExportMixin, ScopedHistoryAdmin):
    form = MeasureAdminForm
    history_list_display = ["status"]

    class Media:
        css = {"all": ("css/admin_workflow.css",)}

    # What review needs first, fitting 1366 px with the filters beside: long titles wrap (admin_workflow.css).
    list_display = ("title", "status", "party", "reporter", "report_year", "updated")
    list_filter = (
        "status",
        ("party", admin.RelatedOnlyFieldListFilter),
        ("organisation", admin.RelatedOnlyFieldListFilter),
        "reported_by",
        ("periodic_report__cycle", admin.RelatedOnlyFieldListFilter),
        "report_year",
        "goals",
        "areas",
        "domains",
        "party__electoral_group",
        "updated_at",
    )
    list_select_related = ("party", "organisation")
    search_fields = (
        "title",
        "party__name_en",
        "party__iso3",
        *in_any_language("organisation__name", "organisation__acronym"),
    )
    autocomplete_fields = ("party", "periodic_report", "organisation")
    readonly_fields = ("status", "goal_list", "created_at", "created_by", "updated_at", "updated_by", "published_at")
    inlines = [PartnerInline]
    show_full_result_count = False
    actions = ["submit_selected", "publish_selected"]
    # The export's button beside the import's (imports/views.py serves the import pages).
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    export_formats = [base_formats.CSV, base_formats.XLSX]
    # In the order of UNESCO's periodic-report form for a measure; the partners' inline comes right after
    # RESOURCES_FIELDSET (templates/admin/measures/measure/change_form.html).
    fieldsets = (
        (
            _("The measure"),
            {
                "fields": (
                    "title",
                    "party",
                    "reported_by",
                    "organisation",
                    "periodic_report",
                    "report_year",
                    ("period_start", "period_end"),
                    "expected_version",
                )
            },
        ),
        (_("Description"), {"fields": ("main_features",)}),
        (_("Results"), {"fields": ("results",)}),
        (_("Resources"), {"fields": ("financial_resources", "financial_resources_usd")}),
        (_("Evaluation"), {"fields": ("evaluated", "evaluation_findings")}),
        (
            _("Classification"),
            {
                "fields": ("areas", "goals_ticked", "goal_list", "domains"),
                "description": _(
                    "The areas of monitoring are grouped under their goal; a measure counts towards the goals of "
                    "its areas, and towards any goal ticked directly."
                ),
            },
        ),
        (
            _("Priorities"),
            {"fields": ("is_youth", "is_preferential_treatment", "is_innovative")},
        ),
        (_("Source and language"), {"fields": ("source_url", "language", "status")}),
        (
            _("Audit"),
            {
                "fields": ("created_at", "created_by", "updated_at", "updated_by", "published_at"),
                "classes": ("collapse",),
            },
        ),
    )
    #: The partners' inline follows this fieldset (its index in `fieldsets`).
    RESOURCES_FIELDSET = 3

    # Access: one queryset for what a user sees, workflow.py for what they may do --------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_changelist(self, request, **kwargs):
        return MeasureChangeList

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or workflow.can_view(request.user, obj))

    def has_add_permission(self, request):
        return super().has_add_permission(request) and (is_reviewer(request.user) or bool(represented(request.user)))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.can_delete(request.user, obj))

    def has_review_permission(self, request):
        return is_reviewer(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # The stock bulk delete checks no object-level rule; deleting goes one measure at a time.
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)
        return actions

    # The form -----------------------------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            first_name, first_options = fieldsets[0]
            fields = tuple(field for field in first_options["fields"] if field != "expected_version")
            fieldsets = ((first_name, {**first_options, "fields": fields}), *fieldsets[1:])
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        user = request.user
        if is_reviewer(user):
            return fields
        defaults = workflow.new_measure_defaults(user)
        if obj is not None or "reported_by" in defaults:
            fields.append("reported_by")
        if (obj is not None and obj.reported_by == Measure.ReportedBy.CIVIL_SOCIETY) or "organisation_id" in defaults:
            fields.append("organisation")
        if (obj is not None and obj.reported_by == Measure.ReportedBy.PARTY) or "party_id" in defaults:
            fields.append("party")
        return fields

    def get_autocomplete_fields(self, request):
        limited = editor_choices(request.user)
        fields = tuple(field for field in self.autocomplete_fields if field not in limited)
        if not request.user.has_perm("measures.view_periodicreport"):
            # No access to the reports' admin (its autocomplete): a plain list of the reports they may choose.
            fields = tuple(field for field in fields if field != "periodic_report")
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limited = editor_choices(request.user)
        if db_field.name in limited:
            kwargs["queryset"] = limited[db_field.name]
        elif db_field.name == "periodic_report":
            kwargs["queryset"] = PeriodicReport.objects.choosable_by(request.user).select_related("party", "cycle")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Goals, areas and domains as checkbox lists with their whole names; the areas under their goal."""
        if db_field.name in ("areas", "goals_ticked", "domains"):
            kwargs["widget"] = forms.CheckboxSelectMultiple(attrs={"class": "classification-choices"})
            if db_field.name == "areas":
                kwargs["form_class"] = AreasByGoalField
                kwargs["queryset"] = AreaOfMonitoring.objects.select_related("goal").order_by("goal__number", "pk")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        form.requested_move = request.POST.get("_move") or None if request.method == "POST" else None
        return form

    def save_model(self, request, obj, form, change):
        request.measure_move = (form.move_rule, form.cleaned_data.get("move_comment", "")) if change else None
        if change:
            workflow.claim_version(obj, form.cleaned_data["expected_version"])
        else:
            obj.status = Measure.Status.DRAFT
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        """After the save, in its transaction: the review move the button asked for, if any."""
        rule, comment = getattr(request, "measure_move", None) or (None, "")
        if rule is None:
            return super().response_change(request, obj)
        try:
            step = workflow.transition(obj, rule.move, request.user, comment, site_url=site_url(request))
        except workflow.WorkflowError as error:
            # The form's checks ran with the row locked, so only an unforeseen refusal lands here: nothing stays.
            transaction.set_rollback(True)
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, workflow.success_message(step), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:measures_measure_change", args=[obj.pk]))

    def view_on_site(self, obj):
        """Only a published measure has a public page."""
        return obj.get_absolute_url() if obj.status == Measure.Status.PUBLISHED else None

    @admin.display(description=_("reported by"), ordering="reported_by")
    def reporter(self, obj):
        """The organisation for a civil-society measure, else the Party: one column instead of two."""
        if obj.reported_by == Measure.ReportedBy.CIVIL_SOCIETY and obj.organisation_id:
            return obj.organisation
        return obj.get_reported_by_display()

    @admin.display(description=_("last updated"), ordering="updated_at")
    def updated(self, obj):
        """The day only: the list stays narrow enough for 1366 px; the change page has the time."""
        return date_format(timezone.localtime(obj.updated_at), "SHORT_DATE_FORMAT")

    @admin.display(description=_("goals (from areas and ticked)"))
    def goal_list(self, obj):
        return ", ".join(str(goal) for goal in obj.goals.all()) if obj.pk else "—"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["partners_after_fieldset"] = self.RESOURCES_FIELDSET
        if obj is not None and obj.pk:
            context["workflow"] = self.workflow_context(request, obj)
        elif add:
            context["workflow"] = {"adding": True}
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_context(self, request, obj):
        steps = list(obj.transitions.select_related("actor"))
        latest = steps[0] if steps else None
        return {
            "status": obj.get_status_display(),
            "status_value": obj.status,
            # Where the user may change the form, the review buttons send it (saved, then moved); elsewhere each
            # move is a form of its own, as there is nothing typed to keep.
            "moves_save_the_form": self.has_change_permission(request, obj),
            "needs_comment": any(rule.comment_required for rule in workflow.allowed_moves(request.user, obj)),
            "moves": [
                {"rule": rule, "url": reverse("admin:measures_measure_transition", args=[obj.pk, rule.move])}
                for rule in workflow.allowed_moves(request.user, obj)
            ],
            "steps": steps,
            "current_comment": latest
            if latest and latest.comment and latest.to_status in (Measure.Status.RETURNED, Measure.Status.WITHDRAWN)
            else None,
        }

    # Moves --------------------------------------------------------------------------------------------------

    def get_urls(self):
        return [
            *self.import_urls(),
            path(
                "<path:object_id>/transition/<slug:move>/",
                self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.transition_view)),
                name="measures_measure_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, object_id, move):
        """GET asks for confirmation (and the comment where one is required); POST makes the move."""
        measure = self.get_object(request, unquote(object_id))
        if measure is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if move not in workflow.TRANSITIONS:
            raise Http404
        rule = workflow.TRANSITIONS[move]
        change_url = reverse("admin:measures_measure_change", args=[measure.pk])
        reason = workflow.refusal(request.user, measure, rule)
        form = TransitionForm(request.POST or None, comment_required=rule.comment_required)
        if request.method == "POST" and (form.is_valid() or reason):
            try:
                step = workflow.transition(
                    measure, move, request.user, form.cleaned_data.get("comment", ""), site_url=site_url(request)
                )
            except workflow.WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, workflow.success_message(step), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        if reason:
            self.message_user(request, reason, messages.ERROR)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": rule.label,
            "opts": self.opts,
            "original": measure,
            "rule": rule,
            "form": form,
            "change_url": change_url,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/measures/measure/transition_confirm.html", context)

    @admin.action(description=_("Submit the selected measures for review"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self.move_selected(request, queryset, workflow.Move.SUBMIT)

    @admin.action(description=_("Publish the selected measures"), permissions=["review"])
    def publish_selected(self, request, queryset):
        self.move_selected(request, queryset, workflow.Move.PUBLISH)

    def move_selected(self, request, queryset, move):
        """Each measure goes through the workflow on its own: its own lock, log entry, history record and mail."""
        done, refused = 0, []
        for measure in queryset.order_by("pk"):
            try:
                workflow.transition(measure, move, request.user, site_url=site_url(request))
            except workflow.WorkflowError as error:
                refused.append(f"“{measure.title}”: {error}")
            else:
                done += 1
        if done:
            message = ngettext(
                "%(move)s: done for %(count)d measure.", "%(move)s: done for %(count)d measures.", done
            ) % {"count": done, "move": workflow.Move(move).label}
            self.message_user(request, message, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    # Import and export --------------------------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_resource_classes(self, request):
        return [MeasureExportResource]

    def get_export_queryset(self, request):
        return (
            super()
            .get_export_queryset(request)
            .defer(None)  # the changelist leaves the long texts out; the export writes them
            .select_related("party", "organisation")
            .prefetch_related("areas", "domains", "goals_ticked", "partners")
        )

    def get_valid_export_item_pks(self, request):
        return self.get_queryset(request).values_list("pk", flat=True)


class TransitionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 6, "cols": 80}))

    def __init__(self, *args, comment_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        field.required = comment_required
        if comment_required:
            field.help_text = _("Required. The editors read it beside their form and receive it by mail.")
        else:
            field.label = _("Comment (optional)")

    def clean_comment(self):
        comment = self.cleaned_data["comment"]
        validate_no_control_characters(comment, self.fields["comment"].label)
        return comment


@admin.register(Partner)
class PartnerAdmin(ScopedHistoryAdmin):
    """Partners on their own, for the secretariat; editors change them inside their measure's form."""

    list_display = ("name", "entity_type", "measure", "organisation")
    list_filter = ("entity_type",)
    list_select_related = ("measure", "organisation")
    search_fields = ("name", "measure__title")
    autocomplete_fields = ("measure", "organisation")

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_module_permission(self, request):
        return is_reviewer(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_reviewer(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return is_reviewer(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_reviewer(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_reviewer(request.user) and super().has_delete_permission(request, obj)
