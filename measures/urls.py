from django.urls import path

from measures import directory_views, stats_views, views

app_name = "measures"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("measures/", views.MeasureListView.as_view(), name="measure-list"),
    path("measures/export.csv", views.MeasureCsvExportView.as_view(), name="measure-export-csv"),
    path("measures/feed/", views.MeasureFeed(), name="measure-feed"),
    path("measures/<int:pk>/", views.MeasureDetailView.as_view(), name="measure-detail"),
    path("parties/", directory_views.PartyListView.as_view(), name="party-list"),
    path("parties/<slug:slug>/", directory_views.PartyDetailView.as_view(), name="party-detail"),
    path("reports/", directory_views.ReportListView.as_view(), name="report-list"),
    path("organizations/", directory_views.OrganisationListView.as_view(), name="organisation-list"),
    path("organizations/<slug:slug>/", directory_views.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("stats/", stats_views.StatsView.as_view(), name="stats"),
]
