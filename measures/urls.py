from django.urls import path

from convention_portal.page_cache import cache_public_page, dated_by_public_change
from measures import map_views, stats_views, views
from measures.directory import report_pages
from measures.directory import views as directory_views

app_name = "measures"

urlpatterns = [
    path("", cache_public_page(views.HomeView.as_view()), name="home"),
    path("measures/", cache_public_page(views.MeasureListView.as_view()), name="measure-list"),
    # Downloads are never page-cached: no cache_public_page.
    path("measures/export.csv", views.MeasureCsvExportView.as_view(), name="measure-export-csv"),
    path("measures/export.xlsx", views.MeasureXlsxExportView.as_view(), name="measure-export-xlsx"),
    path("measures/feed/", cache_public_page(dated_by_public_change(views.MeasureFeed())), name="measure-feed"),
    path("measures/<int:pk>/", cache_public_page(views.MeasureDetailView.as_view()), name="measure-detail"),
    # Downloads: never page-cached.
    path("measures/<int:pk>/cite.ris", views.MeasureCitationView.as_view(format="ris"), name="measure-cite-ris"),
    path("measures/<int:pk>/cite.bib", views.MeasureCitationView.as_view(format="bib"), name="measure-cite-bib"),
    # Signed-in people only, never through the page cache.
    path("measures/<int:pk>/preview/", views.MeasurePreviewView.as_view(), name="measure-preview"),
    path("parties/", cache_public_page(directory_views.PartyListView.as_view()), name="party-list"),
    path("parties/export.csv", directory_views.PartyDownloadView.as_view(format="csv"), name="party-export-csv"),
    path("parties/export.xlsx", directory_views.PartyDownloadView.as_view(format="xlsx"), name="party-export-xlsx"),
    path("parties/compare/", cache_public_page(directory_views.PartyCompareView.as_view()), name="party-compare"),
    path("parties/<slug:slug>/", cache_public_page(directory_views.PartyDetailView.as_view()), name="party-detail"),
    path(
        "parties/<slug:slug>/reports/<int:year>/",
        cache_public_page(report_pages.ReportView.as_view()),
        name="report-detail",
    ),
    # Cached like a page: making the PDF takes seconds for a long report (docs/performance.md).
    path(
        "parties/<slug:slug>/reports/<int:year>/report.pdf",
        cache_public_page(report_pages.ReportPdfView.as_view()),
        name="report-pdf",
    ),
    path("reports/", cache_public_page(directory_views.ReportListView.as_view()), name="report-list"),
    path("reports/export.csv", directory_views.ReportDownloadView.as_view(format="csv"), name="report-export-csv"),
    path("reports/export.xlsx", directory_views.ReportDownloadView.as_view(format="xlsx"), name="report-export-xlsx"),
    path("organizations/", cache_public_page(directory_views.OrganisationListView.as_view()), name="organisation-list"),
    path(
        "organizations/<slug:slug>/",
        cache_public_page(directory_views.OrganisationDetailView.as_view()),
        name="organisation-detail",
    ),
    path("stats/", cache_public_page(stats_views.StatsView.as_view()), name="stats"),
    path("map/", cache_public_page(map_views.WorldMapView.as_view()), name="world-map"),
    # A download: never page-cached.
    path("map/data.csv", map_views.WorldMapCsvView.as_view(), name="world-map-csv"),
    path("demo-data/", cache_public_page(views.DemoDataView.as_view()), name="demo-data"),
    path("about/", cache_public_page(views.AboutView.as_view()), name="about"),
]
