from django.urls import path

from experts import views

app_name = "experts"

urlpatterns = [
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    # Before the meeting pages, so that no meeting slug can shadow the calendar of all meetings.
    path("meetings/calendar.ics", views.MeetingsCalendarView.as_view(), name="meeting-calendar"),
    path("meetings/<slug:slug>.ics", views.MeetingCalendarView.as_view(), name="meeting-ics"),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("bodies/", views.BodyListView.as_view(), name="body-list"),
    path("bodies/<slug:slug>/", views.BodyDetailView.as_view(), name="body-detail"),
    path("outcomes/<slug:slug>/", views.OutcomeDetailView.as_view(), name="outcome-detail"),
]
