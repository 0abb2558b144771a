"""The admin's export of its filtered list, in the import's columns (the import itself: tests/imports/)."""

import csv
import io

import pytest
from django.urls import reverse

from measures.models import Measure
from measures.resources import IMPORT_COLUMNS, MeasureExportResource
from tests.support.imports import import_through_the_back_office
from tests.support.workflow import client_for, csrf_token, ensure_role_groups, make_user

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"


@pytest.fixture
def reviewer(reference_data):
    ensure_role_groups()
    return make_user("reviewer", "Secretariat reviewers")


@pytest.fixture
def client(reviewer):
    return client_for(reviewer)


class TestExport:
    def export(self, client, query="", file_format=CSV_FORMAT):
        url = reverse("admin:measures_measure_export") + query
        page = client.get(url)
        data = {"format": file_format, "resource": "0", "csrfmiddlewaretoken": csrf_token(client, page)}
        for field in MeasureExportResource().get_export_order():
            data[f"measureexportresource_{field}"] = "on"
        response = client.post(url, data)
        assert response.status_code == 200
        return response

    def test_the_export_has_the_import_columns_and_keys(self, client):
        response = self.export(client)
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert list(rows[0]) == ["id", *IMPORT_COLUMNS, "status", "published_at", "updated_at"]
        cdce = next(row for row in rows if row["organisation"] == "cdce")
        assert (cdce["party"], cdce["reported_by"], cdce["status"]) == ("CAN", "civil_society", "published")
        assert cdce["areas"] == "partnering-with-civil-society"

    def test_numbers_are_written_plainly_in_every_language(self, client):
        # The public pages group digits as each language does (1 234,5); the export is read back by the import.
        measure = Measure.objects.get()
        Measure.objects.filter(pk=measure.pk).update(financial_resources_usd="1234567.50")
        for language in ("en", "fr"):
            client.post(reverse("back-office-language"), {"language": language})
            response = self.export(client)
            (row,) = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
            assert (row["report_year"], row["financial_resources_usd"]) == ("2020", "1234567.50"), language

    def test_an_exported_xlsx_imports_back_as_new_drafts(self, client, monkeypatch):
        response = self.export(client, file_format=XLSX_FORMAT)
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        before = Measure.objects.count()
        job = import_through_the_back_office(client, monkeypatch, response.content, "export.xlsx", duplicates="import")
        assert (job.state, job.imported_count) == ("done", before)
        assert Measure.objects.count() == before * 2
        assert Measure.objects.filter(status=Measure.Status.DRAFT).count() == before

    def test_the_export_runs_a_fixed_number_of_queries(self, client, django_assert_max_num_queries):
        template = Measure.objects.get()
        for number in range(20):
            copy = Measure.objects.create(title=f"Copy {number}", party=template.party, status="published")
            copy.areas.set(template.areas.all())
        url = reverse("admin:measures_measure_export")
        data = {"format": CSV_FORMAT, "resource": "0", "csrfmiddlewaretoken": csrf_token(client, url)}
        data |= {f"measureexportresource_{field}": "on" for field in MeasureExportResource().get_export_order()}
        # savepoint and release, session, user, user and group permissions, the goal, area and domain filter
        # choices, the Party, organisation and cycle filters' choices, the count, the measures with party and
        # organisation, then one query each for areas, domains, goals and partners: 18, however many measures.
        with django_assert_max_num_queries(18):
            client.post(url, data)
