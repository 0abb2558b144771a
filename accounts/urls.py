"""The accounts app's public pages (inside i18n_patterns: /contribute/, /fr/contribute/, /es/contribute/)."""

from django.urls import path

from accounts import views
from convention_portal.page_cache import cache_public_page

app_name = "accounts"

urlpatterns = [
    path("contribute/", cache_public_page(views.ContributeView.as_view()), name="contribute"),
]
