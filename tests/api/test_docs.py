"""The API documentation page works offline: every asset comes from the portal's own static files."""

import re

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_docs_page_uses_only_local_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    script = client.get("/api/docs/", {"script": ""}).content.decode()
    assert "/api/schema/" in script
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the page should load Swagger UI's files"
    for asset in assets:
        assert not asset.startswith(("http://", "https://", "//")), f"external asset: {asset}"
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), f"missing static file: {asset}"


@pytest.mark.django_db
def test_schema_lists_every_measure_filter(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    parameters = {parameter["name"] for parameter in schema["paths"]["/api/v1/measures/"]["get"]["parameters"]}
    expected = {"q", "party", "region", "goal", "area", "domain", "reported_by", "year_from", "year_to"}
    expected |= {"report_year", "youth", "preferential", "innovative", "sort", "page", "page_size"}
    assert expected <= parameters
