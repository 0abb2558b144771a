from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import views

app_name = "api"

router = DefaultRouter()
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("goals", views.GoalViewSet, basename="goal")
router.register("areas", views.AreaViewSet, basename="area")
router.register("domains", views.DomainViewSet, basename="domain")
router.register("parties", views.PartyViewSet, basename="party")
router.register("organizations", views.OrganisationViewSet, basename="organisation")
router.register("reports", views.ReportStatusViewSet, basename="report")
router.register("bodies", views.BodyViewSet, basename="body")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("outcomes", views.OutcomeViewSet, basename="outcome")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
