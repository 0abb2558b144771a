from django.urls import path

from measures import views

app_name = "measures"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("measures/<int:pk>/", views.MeasureDetailView.as_view(), name="measure-detail"),
    path("parties/<slug:slug>/", views.PartyDetailView.as_view(), name="party-detail"),
    path("organizations/<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
]
