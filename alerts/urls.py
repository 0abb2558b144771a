"""The alerts' pages (inside i18n_patterns: /alerts/…, /fr/alerts/…, /es/alerts/…), never in the page cache."""

from django.urls import path

from alerts import views
from alerts.models import AlertKind

app_name = "alerts"

urlpatterns = [
    path("alerts/new/", views.AlertCreateView.as_view(), name="new"),
    path("alerts/new/meetings/", views.AlertCreateView.as_view(kind=AlertKind.MEETINGS), name="new-meetings"),
    path("alerts/new/sent/", views.RequestedView.as_view(), name="requested"),
    path("alerts/confirm/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("alerts/unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("alerts/manage/<str:token>/", views.ManageView.as_view(), name="manage"),
]
