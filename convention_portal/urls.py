from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.language import language_view
from convention_portal.health import healthz
from convention_portal.page_cache import cache_public_page, dated_by_public_change
from core import seo
from core.sitemaps import SITEMAPS

admin.site.site_header = _("Convention Monitoring Portal")
admin.site.site_title = _("Convention Monitoring Portal")
admin.site.index_title = _("Back office")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(f"{settings.ADMIN_URL}language/", admin.site.admin_view(language_view), name="back-office-language"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include("api.urls")),
    # At the root, in no language: crawlers and browsers look for them there.
    path("favicon.ico", seo.favicon, name="favicon"),
    path("robots.txt", seo.robots_txt, name="robots-txt"),
    path(
        "sitemap.xml",
        cache_public_page(dated_by_public_change(sitemap_views.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_public_page(dated_by_public_change(sitemap_views.sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]

urlpatterns += i18n_patterns(
    path("", include("measures.urls")),
    path("", include("experts.urls")),
    path("", include("accounts.urls")),
    path("", include("alerts.urls")),
    prefix_default_language=False,
)

handler400 = "convention_portal.errors.bad_request"
handler404 = "convention_portal.errors.page_not_found"
handler500 = "convention_portal.errors.server_error"
