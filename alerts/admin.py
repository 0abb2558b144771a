"""The alerts in the back office, for the secretariat: to look up an address's alerts and delete them, not to
write them (an alert is only made by its address confirming it)."""

from django.contrib import admin

from alerts.models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("email", "kind", "frequency", "language", "query", "created_at", "confirmed_at", "last_sent_at")
    list_filter = ("kind", "frequency", "language", ("confirmed_at", admin.EmptyFieldListFilter))
    search_fields = ("email",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Alert._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
