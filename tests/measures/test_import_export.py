"""Bulk entry through the admin: a preview with row errors, all rows or none, and export of the filtered list."""

import csv
import io
import os
import tempfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from measures.models import Measure
from measures.resources import IMPORT_COLUMNS, MeasureExportResource
from tests.support.workflow import client_for, csrf_token, ensure_role_groups, make_user

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR) / "measures" / "data" / "sample_import.csv"
CSV_FORMAT, XLSX_FORMAT = "0", "1"
IMPORT_URL = reverse("admin:measures_measure_import")
PROCESS_URL = reverse("admin:measures_measure_process_import")


@pytest.fixture
def reviewer(reference_data):
    ensure_role_groups()
    return make_user("reviewer", "Secretariat reviewers")


@pytest.fixture
def client(reviewer):
    return client_for(reviewer)


def csv_bytes(rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=IMPORT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in IMPORT_COLUMNS})
    return buffer.getvalue().encode()


def good_row(**values):
    return {"title": "An imported measure", "party": "CAN", "reported_by": "party", **values}


def preview(client, content, name="measures.csv", file_format=CSV_FORMAT):
    page = client.get(IMPORT_URL)
    assert page.status_code == 200
    return client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": file_format,
            "import_file": SimpleUploadedFile(name, content),
            "csrfmiddlewaretoken": csrf_token(client, page),
        },
    )


def confirm(client, response):
    data = {**response.context["confirm_form"].initial, "csrfmiddlewaretoken": csrf_token(client, response)}
    return client.post(PROCESS_URL, data)


def row_errors(response):
    result = response.context["result"]
    messages = [str(error.error) for _, errors in result.row_errors() for error in errors]
    for invalid in result.invalid_rows:
        messages += [str(message) for messages_ in invalid.error_dict.values() for message in messages_]
    return messages


class TestImport:
    def test_the_sample_file_previews_without_errors_then_imports_as_drafts(self, client, reviewer):
        before = Measure.objects.count()
        response = preview(client, SAMPLE.read_bytes(), name="sample_import.csv")
        assert response.status_code == 200
        result = response.context["result"]
        assert not result.has_errors() and not result.has_validation_errors()
        assert result.totals["new"] == 3
        assert "confirm_form" in response.context
        assert Measure.objects.count() == before, "the preview saved something"

        done = confirm(client, response)
        assert done.status_code == 302
        imported = Measure.objects.filter(title__contains="(not a real measure)") | Measure.objects.filter(
            title__contains="mesure fictive"
        )
        assert imported.count() == 3
        for measure in imported:
            assert measure.status == Measure.Status.DRAFT
            assert measure.created_by == reviewer
            # One record for the row, one more for each many-to-many column set.
            assert {(record.history_user, record.history_change_reason) for record in measure.history.all()} == {
                (reviewer, "Imported")
            }
            assert measure.history.earliest().history_type == "+"
        labels = imported.get(title__startswith="SAMPLE (not a real measure) – support")
        assert labels.party.iso3 == "CAN"
        assert sorted(labels.areas.values_list("slug", flat=True)) == [
            "cultural-and-creative-sectors",
            "digital-environment",
        ]
        assert sorted(labels.domains.values_list("slug", flat=True)) == ["music", "publishing"]
        assert list(labels.goals_ticked.values_list("number", flat=True)) == [1]
        assert labels.is_youth and not labels.is_innovative
        assert str(labels.financial_resources_usd) == "1000.00"
        training = imported.get(reported_by=Measure.ReportedBy.CIVIL_SOCIETY)
        assert training.organisation.slug == "cdce"
        assert sorted(training.goals.values_list("number", flat=True)) == [1, 4]
        french = imported.get(party__iso3="FRA")
        assert (french.language, french.period_end, french.evaluated) == ("fr", None, "unknown")

    def test_bad_rows_are_shown_with_their_errors_and_nothing_can_be_confirmed(self, client):
        before = Measure.objects.count()
        content = csv_bytes(
            [
                good_row(title="Fine row"),
                good_row(party="XXX"),
                good_row(areas="digital-environment|no-such-area"),
                good_row(reported_by="civil_society"),
                good_row(is_youth="maybe"),
                good_row(reported_by="government"),
                good_row(title=""),
                good_row(period_start="2020", period_end="2019"),
            ]
        )
        response = preview(client, content)
        assert response.status_code == 200
        assert "confirm_form" not in response.context
        errors = " | ".join(row_errors(response))
        assert "No Party has the ISO3 code “XXX”." in errors
        assert "no-such-area" in errors
        assert "needs its reporting organisation" in errors
        assert "“maybe” is not yes or no." in errors
        assert "“government” is not one of" in errors
        assert "This field cannot be blank." in errors
        assert "end year must not be before the start year" in errors
        assert "No Party has the ISO3 code" in response.text
        assert Measure.objects.count() == before

    def test_a_file_that_goes_bad_between_preview_and_confirmation_imports_nothing(self, client):
        before = Measure.objects.count()
        response = preview(client, csv_bytes([good_row(title="First"), good_row(title="Second")]))
        name = response.context["confirm_form"].initial["import_file_name"]
        path = Path(tempfile.gettempdir()) / os.path.basename(name)
        path.write_bytes(csv_bytes([good_row(title="First"), good_row(title="Second", party="XXX")]))
        confirm(client, response)
        assert Measure.objects.count() == before
        assert not Measure.objects.filter(title="First").exists()

    def test_an_xlsx_file_imports_too(self, client):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(IMPORT_COLUMNS)
        with SAMPLE.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                sheet.append([row[column] for column in IMPORT_COLUMNS])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = preview(client, buffer.getvalue(), name="sample.xlsx", file_format=XLSX_FORMAT)
        assert response.context["result"].totals["new"] == 3
        assert confirm(client, response).status_code == 302
        assert Measure.objects.filter(title__contains="(not a real measure)").count() == 2

    def test_the_import_page_lists_the_columns(self, client):
        page = client.get(IMPORT_URL)
        for column in IMPORT_COLUMNS:
            assert column in page.text


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

    def test_an_exported_xlsx_imports_back_as_new_drafts(self, client):
        response = self.export(client, file_format=XLSX_FORMAT)
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        before = Measure.objects.count()
        imported = preview(client, response.content, name="export.xlsx", file_format=XLSX_FORMAT)
        assert not imported.context["result"].has_validation_errors()
        confirm(client, imported)
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
        # choices, the count, the measures with party and organisation, then one query each for areas, domains
        # and goals: 14, however many measures.
        with django_assert_max_num_queries(14):
            client.post(url, data)
