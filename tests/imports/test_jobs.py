"""The back office's import: upload → a job page at once; the worker checks; confirm; the worker imports."""

import csv
import io
import uuid

import pytest
from django.test import override_settings
from django.urls import reverse

from imports.models import ImportJob
from measures.models import Measure
from tests.support.imports import (
    IMPORT_URL,
    SAMPLE,
    confirm,
    csv_bytes,
    good_row,
    import_through_the_back_office,
    job_of,
    many_rows,
    run_worker,
    upload,
)
from tests.support.workflow import World, client_for, csrf_token, ensure_role_groups, make_user

pytestmark = pytest.mark.django_db

JOB_STATE = ImportJob.State


@pytest.fixture
def reviewer(reference_data):
    ensure_role_groups()
    return make_user("reviewer", "Secretariat reviewers")


@pytest.fixture
def client(reviewer):
    return client_for(reviewer)


def progress(client, job):
    response = client.get(reverse("admin:measures_measure_import_progress", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


class TestUpload:
    def test_an_upload_answers_at_once_with_a_queued_job_and_saves_nothing(self, client, reviewer):
        before = Measure.objects.count()
        response = upload(client, csv_bytes(many_rows(1200)))
        job = job_of(response)
        assert (job.state, job.owner, job.original_name, job.file_format) == (
            JOB_STATE.QUEUED,
            reviewer,
            "measures.csv",
            "csv",
        )
        assert job.file.name == f"imports/{job.pk}.csv"
        assert Measure.objects.count() == before
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert "Queued" in page.text and 'data-running="true"' in page.text
        assert progress(client, job) | {"text": ""} == {
            "state": "queued",
            "state_label": "Queued",
            "rows_done": 0,
            "rows_total": None,
            "percent": 0,
            "running": True,
            "text": "",
        }

    def test_the_worker_checks_then_imports_and_the_page_follows(self, client, reviewer, monkeypatch):
        before = Measure.objects.count()
        job = job_of(upload(client, csv_bytes(many_rows(1200))))
        run_worker(monkeypatch)
        job.refresh_from_db()
        assert (job.state, job.rows_total, job.rows_with_errors, job.problem_count) == (JOB_STATE.READY, 1200, 0, 0)
        assert len(job.preview) == 20 and job.preview[0]["line"] == 2
        assert progress(client, job)["percent"] == 100
        page = client.get(job.get_absolute_url())
        assert "Ready to import" in page.text and "1,200 rows have no error" in page.text
        assert "Row 2: imported measure" in page.text and "Row 30: imported measure" not in page.text
        assert Measure.objects.count() == before

        assert confirm(client, job).status_code == 302
        job.refresh_from_db()
        assert job.state == JOB_STATE.IMPORTING
        assert progress(client, job)["rows_total"] == 1200
        run_worker(monkeypatch)
        job.refresh_from_db()
        assert (job.state, job.imported_count, job.skipped_count) == (JOB_STATE.DONE, 1200, 0)
        assert Measure.objects.count() == before + 1200
        imported = Measure.objects.filter(title__endswith=": imported measure")
        assert set(imported.values_list("status", "created_by")) == {(Measure.Status.DRAFT, reviewer.pk)}
        page = client.get(job.get_absolute_url())
        assert "1,200 measures were imported as drafts." in page.text
        assert progress(client, job) | {"text": ""} == {
            "state": "done",
            "state_label": "Done",
            "rows_done": 1200,
            "rows_total": 1200,
            "percent": 100,
            "running": False,
            "text": "",
        }

    def test_a_progress_told_by_the_worker_moves_the_bar(self, client, monkeypatch):
        job = job_of(upload(client, csv_bytes(many_rows(10))))
        job.state = JOB_STATE.IMPORTING
        job.rows_total = 4000
        job.save()
        job.report_progress(1000)
        assert progress(client, job) | {"text": ""} == {
            "state": "importing",
            "state_label": "Importing",
            "rows_done": 1000,
            "rows_total": 4000,
            "percent": 25,
            "running": True,
            "text": "",
        }
        assert progress(client, job)["text"] == "1,000 of 4,000 rows"

    def test_the_sample_file_imports_with_its_partners_classification_and_history(self, client, reviewer, monkeypatch):
        job = import_through_the_back_office(client, monkeypatch, SAMPLE.read_bytes(), "sample_import.csv")
        assert job.state == JOB_STATE.DONE and job.imported_count == 3
        labels = Measure.objects.get(title__startswith="SAMPLE (not a real measure) – support")
        assert labels.party.iso3 == "CAN"
        assert sorted(labels.areas.values_list("slug", flat=True)) == [
            "cultural-and-creative-sectors",
            "digital-environment",
        ]
        assert sorted(labels.domains.values_list("slug", flat=True)) == ["music", "publishing"]
        assert list(labels.goals_ticked.values_list("number", flat=True)) == [1]
        assert [(partner.name, partner.entity_type) for partner in labels.partners.all()] == [
            ("Synthetic partner: a national arts council", "public"),
            ("Synthetic partner: an independent labels association", "civil_society"),
        ]
        assert labels.is_youth and not labels.is_innovative
        assert str(labels.financial_resources_usd) == "1000.00"
        # The stored goals and bits are those the signals would have written.
        stored = (labels.goal_bits, labels.area_bits, labels.domain_bits)
        labels.refresh_classification()
        assert (labels.goal_bits, labels.area_bits, labels.domain_bits) == stored
        assert sorted(labels.goals.values_list("number", flat=True)) == [1]
        training = Measure.objects.get(reported_by=Measure.ReportedBy.CIVIL_SOCIETY, title__startswith="SAMPLE")
        assert training.organisation.slug == "cdce"
        assert sorted(training.goals.values_list("number", flat=True)) == [1, 4]
        french = Measure.objects.get(party__iso3="FRA", title__startswith="EXEMPLE")
        assert (french.language, french.period_end, french.evaluated) == ("fr", None, "unknown")
        # One history record per measure, made by the importer, with its links.
        record = labels.history.get()
        assert (record.history_type, record.history_user, record.history_change_reason) == ("+", reviewer, "Imported")
        assert sorted(record.areas.values_list("areaofmonitoring__slug", flat=True)) == [
            "cultural-and-creative-sectors",
            "digital-environment",
        ]
        assert labels.partners.first().history.get().history_change_reason == "Imported"

    def test_a_file_with_only_the_required_columns_imports_with_the_defaults(self, client, monkeypatch):
        job = import_through_the_back_office(client, monkeypatch, b"title,party\nA minimal measure,CAN\n", "min.csv")
        assert (job.state, job.imported_count) == (JOB_STATE.DONE, 1)
        measure = Measure.objects.get(title="A minimal measure")
        assert (measure.reported_by, measure.evaluated, measure.language, measure.report_year) == (
            "party",
            "unknown",
            "en",
            None,
        )
        assert not measure.areas.exists() and measure.goal_bits == 0

    def test_an_xlsx_file_imports_too(self, client, monkeypatch):
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        rows = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))
        for row in rows:
            sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        job = import_through_the_back_office(client, monkeypatch, buffer.getvalue(), "sample.xlsx")
        assert (job.file_format, job.state, job.imported_count) == ("xlsx", JOB_STATE.DONE, 3)
        assert Measure.objects.get(title__startswith="SAMPLE (not a real measure) – support").report_year == 2024


class TestProblems:
    def test_bad_rows_are_listed_by_line_and_column_and_nothing_can_be_confirmed(self, client, monkeypatch):
        before = Measure.objects.count()
        rows = [
            good_row(title="Fine row"),
            good_row(party="XYZ"),
            good_row(areas="digital-environment|no-such-area"),
            good_row(reported_by="civil_society"),
            good_row(is_youth="maybe"),
            good_row(reported_by="government"),
            good_row(title=""),
            good_row(period_start="2020", period_end="2019"),
            good_row(title="x" * 501),
            good_row(partners="A partner without a type"),
        ]
        job = job_of(upload(client, csv_bytes(rows)))
        run_worker(monkeypatch)
        job.refresh_from_db()
        assert (job.state, job.rows_total, job.rows_with_errors) == (JOB_STATE.INVALID, 10, 9)
        found = {(problem.line, problem.column): problem.message for problem in job.problems.all()}
        assert found[(3, "party")] == "no Party has the code XYZ."
        assert "no-such-area" in found[(4, "areas")]
        assert "needs its reporting organisation" in found[(5, "organisation")]
        assert found[(6, "is_youth")] == "“maybe” is not yes or no."
        assert "“government” is not one of" in found[(7, "reported_by")]
        assert found[(8, "title")] == "this column must not be empty."
        assert "end year must not be before the start year" in found[(9, "period_end")]
        assert "at most 500 characters" in found[(10, "title")]
        assert "write its type in brackets" in found[(11, "partners")]
        page = client.get(job.get_absolute_url())
        assert "Nothing can be imported" in page.text and "9 rows of 10 have errors" in page.text
        assert "no Party has the code XYZ." in page.text
        assert 'action="' + reverse("admin:measures_measure_import_confirm", args=[job.pk]) not in page.text
        response = confirm(client, job)
        assert response.status_code == 302
        job.refresh_from_db()
        assert job.state == JOB_STATE.INVALID
        assert Measure.objects.count() == before

    def test_a_bad_row_at_line_4000_imports_nothing_and_is_named(self, client, monkeypatch):
        before = Measure.objects.count()
        rows = many_rows(5000)
        rows[3998]["party"] = "XYZ"  # line 4,000: the header is line 1
        job = job_of(upload(client, csv_bytes(rows)))
        run_worker(monkeypatch)
        job.refresh_from_db()
        assert (job.state, job.rows_total, job.rows_with_errors) == (JOB_STATE.INVALID, 5000, 1)
        (problem,) = job.problems.all()
        assert (problem.line, problem.column, problem.message) == (4000, "party", "no Party has the code XYZ.")
        assert "4,000" in client.get(job.get_absolute_url()).text
        assert Measure.objects.count() == before

    def test_the_error_report_downloads_as_csv_with_every_problem(self, client, monkeypatch):
        rows = [good_row(party="XYZ", title=f"Row {number}") for number in range(250)]
        rows.append(good_row(title="=HYPERLINK(1)", areas="=cmd"))
        job = job_of(upload(client, csv_bytes(rows)))
        run_worker(monkeypatch)
        response = client.get(reverse("admin:measures_measure_import_problems", args=[job.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="errors-measures.csv"'
        content = b"".join(response.streaming_content).decode("utf-8")
        assert content.startswith("\ufeff")
        lines = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
        assert lines[0] == ["line", "column", "kind", "message"]
        assert len(lines) == 1 + 251
        assert lines[1] == ["2", "party", "error", "no Party has the code XYZ."]
        assert lines[-1][:3] == ["252", "areas", "error"] and "=cmd" in lines[-1][3]
        # The page lists them 100 at a time.
        page = client.get(job.get_absolute_url() + "?page=3")
        assert "Page 3 of 3" in page.text
        assert client.get(job.get_absolute_url() + "?page=abc").status_code == 200

    def test_a_file_that_goes_bad_between_check_and_confirmation_imports_nothing(self, client, monkeypatch):
        before = Measure.objects.count()
        job = job_of(upload(client, csv_bytes([good_row(title="First"), good_row(title="Second")])))
        run_worker(monkeypatch)
        job.refresh_from_db()
        assert job.state == JOB_STATE.READY
        with job.file.storage.open(job.file.name, "wb") as stored:
            stored.write(csv_bytes([good_row(title="First"), good_row(title="Second", party="XYZ")]))
        confirm(client, job)
        run_worker(monkeypatch)
        job.refresh_from_db()
        assert job.state == JOB_STATE.INVALID
        assert "Upload the file again to see what is wrong now." in job.message
        assert Measure.objects.count() == before

    @pytest.mark.parametrize(
        ("content", "name", "expected"),
        [
            (b"\x89PNG\r\n\x1a\n" + bytes(200), "picture.csv", "neither a CSV file nor an Excel workbook"),
            ("title,party\nMesure é,FRA\n".encode("latin-1"), "latin1.csv", "UTF-8"),
            (b"title,party,colour\nA,CAN,red\n", "unknown.csv", "Unknown columns: colour."),
            (b"title,report_year\nA,2024\n", "missing.csv", "Missing columns: party."),
        ],
        ids=["binary", "latin-1", "unknown-column", "missing-column"],
    )
    def test_a_file_that_cannot_be_read_says_why(self, client, monkeypatch, content, name, expected):
        job = job_of(upload(client, content, name))
        run_worker(monkeypatch)
        job.refresh_from_db()
        assert job.state == JOB_STATE.INVALID
        assert expected in job.message
        assert expected in client.get(job.get_absolute_url()).text

    def test_a_semicolon_separated_utf16_file_from_a_spreadsheet_imports(self, client, monkeypatch):
        text = "title;party;report_year\r\nUne mesure;FRA;2024\r\n"
        job = import_through_the_back_office(client, monkeypatch, "\ufeff".encode() + text.encode(), "bom.csv")
        assert (job.state, job.imported_count) == (JOB_STATE.DONE, 1)
        job = import_through_the_back_office(
            client, monkeypatch, text.replace(";", "\t").replace("Une", "Autre").encode("utf-16"), "utf16.txt"
        )
        assert (job.state, job.imported_count) == (JOB_STATE.DONE, 1)


class TestDuplicates:
    def test_repeated_rows_are_warnings_and_the_importer_chooses(self, client, monkeypatch):
        rows = [good_row(title="Once", report_year="2024"), good_row(title="Twice", report_year="2024")]
        first = import_through_the_back_office(client, monkeypatch, csv_bytes(rows))
        assert (first.state, first.imported_count) == (JOB_STATE.DONE, 2)

        again = [*rows, good_row(title="New", report_year="2024"), good_row(title="New", report_year="2024")]
        job = job_of(upload(client, csv_bytes(again)))
        run_worker(monkeypatch)
        job.refresh_from_db()
        assert (job.state, job.duplicate_count) == (JOB_STATE.READY, 3)
        warnings = list(job.problems.filter(is_warning=True).values_list("line", "message"))
        assert [line for line, _message in warnings] == [2, 3, 5]
        assert "already recorded" in warnings[0][1] and "as line 4" in warnings[2][1]
        page = client.get(job.get_absolute_url())
        assert "3 rows repeat another row of the file or a measure already recorded" in page.text
        confirm(client, job, duplicates="skip")
        run_worker(monkeypatch)
        job.refresh_from_db()
        assert (job.state, job.imported_count, job.skipped_count) == (JOB_STATE.DONE, 1, 3)
        assert Measure.objects.filter(title="New").count() == 1
        assert Measure.objects.filter(title="Once").count() == 1

        job = import_through_the_back_office(client, monkeypatch, csv_bytes(again), duplicates="import")
        assert (job.state, job.imported_count, job.skipped_count) == (JOB_STATE.DONE, 4, 0)
        assert Measure.objects.filter(title="Once").count() == 2


class TestAccess:
    def test_nobody_else_can_open_a_job(self, client, monkeypatch):
        job = job_of(upload(client, csv_bytes([good_row()])))
        other = client_for(make_user("second-reviewer", "Secretariat reviewers"))
        superuser = client_for(make_user("root", is_superuser=True))
        for intruder in (other, superuser):
            for name in ("import_job", "import_progress", "import_problems"):
                assert intruder.get(reverse(f"admin:measures_measure_{name}", args=[job.pk])).status_code == 404
            token = csrf_token(intruder)
            for name in ("import_confirm", "import_retry"):
                url = reverse(f"admin:measures_measure_{name}", args=[job.pk])
                assert intruder.post(url, {"csrfmiddlewaretoken": token, "duplicates": "skip"}).status_code == 404
        assert client.get(reverse("admin:measures_measure_import_job", args=[uuid.uuid4()])).status_code == 404

    def test_an_upload_without_the_csrf_token_is_refused(self, client):
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("measures.csv", csv_bytes([good_row()]))})
        assert response.status_code == 403
        assert not ImportJob.objects.exists()

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, reference_data):
        from django.test import Client

        response = Client().get(IMPORT_URL)
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_the_upload_page_lists_the_columns_and_my_jobs_only(self, client, reviewer):
        job = job_of(upload(client, csv_bytes([good_row()]), name="mine.csv"))
        other = make_user("second-reviewer", "Secretariat reviewers")
        job_of(upload(client_for(other), csv_bytes([good_row()]), name="theirs.csv"))
        page = client.get(IMPORT_URL)
        for column in ("title", "party", "partners", "source_url"):
            assert f"<code>{column}</code>" in page.text
        assert "mine.csv" in page.text and "theirs.csv" not in page.text
        assert job.get_absolute_url() in page.text
        sample = client.get(reverse("admin:measures_measure_import_sample"))
        assert sample.status_code == 200
        assert b"".join(sample.streaming_content) == SAMPLE.read_bytes()

    def test_the_measures_list_links_to_the_import(self, client):
        assert IMPORT_URL in client.get(reverse("admin:measures_measure_changelist")).text


class TestRoles:
    """Who may import what, row by row: tests/workflow/test_permissions.py (IMPORT_POLICY)."""

    @pytest.fixture
    def world(self, reference_data):
        world = World()
        world.party.iso3, world.other_party.iso3 = "HOM", "AWY"
        world.party.save()
        world.other_party.save()
        return world

    def test_an_editor_imports_fifty_of_their_own_and_they_are_theirs(self, world, monkeypatch):
        client = client_for(world.editor)
        rows = [good_row(party="HOM", reported_by="", title=f"Ours {number}") for number in range(50)]
        job = import_through_the_back_office(client, monkeypatch, csv_bytes(rows))
        assert (job.state, job.imported_count) == (JOB_STATE.DONE, 50)
        ours = Measure.objects.filter(title__startswith="Ours ")
        assert set(ours.values_list("organisation", "reported_by", "status")) == {
            (world.org.pk, "civil_society", "draft")
        }
        assert ours.visible_to(world.editor).count() == 50
        assert ours.visible_to(world.other_editor).count() == 0

    def test_a_user_without_a_role_may_not_import(self, world):
        client = client_for(make_user("nobody"))
        assert client.get(IMPORT_URL).status_code == 403


class TestLimits:
    @override_settings(IMPORT_MAX_UPLOAD_BYTES=10_000)
    def test_a_file_over_the_limit_is_refused_and_not_stored(self, client):
        response = upload(client, b"title,party\n" + b"A long title,CAN\n" * 2000)
        assert response.status_code == 400
        assert "The file is larger than 9.8\xa0KB" in response.text
        assert not ImportJob.objects.exists()

    def test_an_empty_file_is_refused_at_once(self, client):
        response = upload(client, b"")
        assert response.status_code == 400
        assert not ImportJob.objects.exists()

    def test_a_failed_job_says_so_keeps_its_file_and_can_be_retried(self, client, monkeypatch, caplog):
        job = job_of(upload(client, csv_bytes([good_row()])))

        def broken(*args, **kwargs):
            raise RuntimeError("disk on fire")

        with monkeypatch.context() as patched:
            patched.setattr("imports.engine.check", broken)
            run_worker(monkeypatch)
        job.refresh_from_db()
        assert job.state == JOB_STATE.FAILED
        assert "unexpected error" in job.message and job.file
        assert any("failed while checking the file" in record.getMessage() for record in caplog.records)
        page = client.get(job.get_absolute_url())
        assert "Try again" in page.text
        response = client.post(
            reverse("admin:measures_measure_import_retry", args=[job.pk]),
            {"csrfmiddlewaretoken": csrf_token(client, page)},
        )
        assert response.status_code == 302
        run_worker(monkeypatch)
        job.refresh_from_db()
        assert job.state == JOB_STATE.READY


def test_the_job_page_runs_a_fixed_number_of_queries(client, monkeypatch, django_assert_max_num_queries):
    rows = [good_row(party="XYZ", title=f"Row {number}") for number in range(300)]
    job = job_of(upload(client, csv_bytes(rows)))
    run_worker(monkeypatch)
    # session, user and permissions, the user's memberships (may they import?), the job, the problems' count and
    # page: however many problems.
    with django_assert_max_num_queries(10):
        assert client.get(job.get_absolute_url()).status_code == 200
