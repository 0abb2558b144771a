from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from convention_portal.health import healthz

admin.site.site_header = "Convention Monitoring Portal"
admin.site.site_title = "Convention Monitoring Portal"
admin.site.index_title = "Back office"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include("api.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("measures.urls")),
    path("", include("experts.urls")),
    path("", include("accounts.urls")),
    prefix_default_language=False,
)

handler404 = "convention_portal.errors.page_not_found"
handler500 = "convention_portal.errors.server_error"
