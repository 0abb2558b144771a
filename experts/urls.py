from django.urls import path

from convention_portal.page_cache import cache_public_page
from experts import views

app_name = "experts"

urlpatterns = [
    path("meetings/", cache_public_page(views.MeetingListView.as_view()), name="meeting-list"),
    # Before the meeting pages, so that no meeting slug can shadow the calendar of all meetings.
    path("meetings/calendar.ics", views.MeetingsCalendarView.as_view(), name="meeting-calendar"),
    # Downloads are never page-cached: no cache_public_page.
    path("meetings/export.csv", views.MeetingDownloadView.as_view(format="csv"), name="meeting-export-csv"),
    path("meetings/export.xlsx", views.MeetingDownloadView.as_view(format="xlsx"), name="meeting-export-xlsx"),
    path("meetings/<slug:slug>.ics", views.MeetingCalendarView.as_view(), name="meeting-ics"),
    path("meetings/<slug:slug>/", cache_public_page(views.MeetingDetailView.as_view()), name="meeting-detail"),
    path("bodies/", cache_public_page(views.BodyListView.as_view()), name="body-list"),
    path("bodies/<slug:slug>/", cache_public_page(views.BodyDetailView.as_view()), name="body-detail"),
    path("outcomes/<slug:slug>/", cache_public_page(views.OutcomeDetailView.as_view()), name="outcome-detail"),
]
