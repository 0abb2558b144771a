from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from core.admin import in_any_language


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("organisation", "party")
    autocomplete_fields = ("organisation", "party")
    verbose_name = _("speaks for")
    verbose_name_plural = _("speaks for (organisations and Parties)")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Who speaks for which organisation or Party; the secretariat keeps it."""

    list_display = ("user", "organisation", "party", "created_at")
    list_select_related = ("user", "organisation", "party")
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter), ("party", admin.RelatedOnlyFieldListFilter))
    search_fields = (
        "user__username",
        "user__email",
        *in_any_language("organisation__name", "organisation__acronym"),
        "party__name_en",
    )
    autocomplete_fields = ("user", "organisation", "party")
