"""The periodic reports' PDFs are kept once made and served again while what they show is unchanged; any change
makes them again (at the next request, or ahead of it in the task worker), so a stale PDF is never served."""

# ruff: noqa: F811 (the report fixtures, imported from the report pages' tests, are named as test arguments)

import io
import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from measures import workflow
from measures.directory import report_documents, report_pages
from measures.models import Measure, ReportDocument
from measures.tasks import remake_report_pdfs
from tests.factories import make_party
from tests.measures.test_report_pages import framework, pdf_text, report_url, world  # noqa: F401
from tests.support.processes import start_worker
from tests.support.workflow import ensure_role_groups, make_user

pytestmark = pytest.mark.django_db


def everything(content):
    return " ".join(" ".join(pdf_text(content)).split())


@pytest.fixture
def layouts(monkeypatch):
    """How many times WeasyPrint laid a PDF out."""
    made = []
    render = report_pages.render_pdf

    def counted(request, context):
        made.append(context["party"].slug)
        return render(request, context)

    monkeypatch.setattr(report_pages, "render_pdf", counted)
    return made


def pdf(client, party, prefix=""):
    from django.core.cache import cache

    cache.clear()  # cold: the page cache would answer otherwise
    response = client.get(report_url(party, pdf=True, prefix=prefix))
    assert response.status_code == 200
    return response.content


def test_the_second_request_serves_the_stored_pdf(client, world, layouts):
    first = pdf(client, world["party"])
    document = ReportDocument.objects.get()
    assert (document.party, document.cycle, document.language) == (world["party"], world["cycle"], "en")
    assert document.base_url == "http://testserver/"
    second = pdf(client, world["party"])
    assert second == first
    assert layouts == ["aaa"]
    assert ReportDocument.objects.get().made_at == document.made_at


def test_each_language_has_its_own_document(client, world, layouts):
    english, french = pdf(client, world["party"]), pdf(client, world["party"], prefix="/fr")
    assert "Alphalande" in everything(french) and "Alphalande" not in everything(english)
    assert sorted(ReportDocument.objects.values_list("language", flat=True)) == ["en", "fr"]
    assert pdf(client, world["party"], prefix="/fr") == french
    assert len(layouts) == 2


def test_a_changed_measure_makes_the_pdf_again(client, world, layouts, django_capture_on_commit_callbacks):
    pdf(client, world["party"])
    old_file = ReportDocument.objects.get().file.name
    measure = world["measures"]["sectors"]
    measure.title = "Gamma sectors plan, renamed"
    measure.save()
    with django_capture_on_commit_callbacks(execute=True):
        content = pdf(client, world["party"])
    assert "Gamma sectors plan, renamed" in everything(content)
    assert len(layouts) == 2
    document = ReportDocument.objects.get()
    assert document.file.name != old_file
    assert not document.file.storage.exists(old_file)


def test_a_withdrawn_measure_leaves_the_pdf_at_once(client, world, layouts):
    assert "Zeta artistic freedom law" in everything(pdf(client, world["party"]))
    ensure_role_groups()
    reviewer = make_user("reviewer", "Secretariat reviewers")
    workflow.transition(world["measures"]["freedom"], workflow.Move.WITHDRAW, reviewer, comment="Reported twice.")
    assert "Zeta artistic freedom law" not in everything(pdf(client, world["party"]))


def test_a_renamed_party_makes_the_pdf_again(client, world):
    pdf(client, world["party"])
    world["party"].name_en = "Alphaland Republic"
    world["party"].save()
    assert "Alphaland Republic" in everything(pdf(client, world["party"]))


def test_a_lost_file_is_made_again(client, world, layouts):
    first = pdf(client, world["party"])
    document = ReportDocument.objects.get()
    document.file.storage.delete(document.file.name)
    assert everything(pdf(client, world["party"])) == everything(first)
    assert len(layouts) == 2


def test_the_fingerprint_names_the_content_only(client, world):
    """Two renderings of an unchanged report, on other days too, give the same fingerprint (no date, no token)."""
    pdf(client, world["party"])
    key = ReportDocument.objects.get().fingerprint
    ReportDocument.objects.update(fingerprint="0" * 64)
    report_documents.remake(world["party"], world["cycle"])
    assert ReportDocument.objects.get().fingerprint == key


@pytest.mark.django_db(transaction=True)
def test_a_change_asks_the_worker_once_per_report(client, world):
    pdf(client, world["party"])
    measure = world["measures"]["sectors"]
    with transaction.atomic():
        measure.title = "Gamma renamed for the worker"
        measure.save()
        measure.areas.clear()
        measure.domains.clear()
        assert not DBTaskResult.objects.exists()  # not before the change commits
    tasks = DBTaskResult.objects.filter(task_path="measures.tasks.remake_report_pdfs")
    assert [task.args_kwargs["args"] for task in tasks] == [[world["party"].pk, 2020]]


@pytest.mark.django_db(transaction=True)
def test_a_draft_or_a_report_never_asked_for_asks_nothing(world):
    with transaction.atomic():
        world["measures"]["draft"].title = "A draft renamed"
        world["measures"]["draft"].save()
        world["measures"]["sectors"].title = "No PDF stored yet"
        world["measures"]["sectors"].save()
    assert not DBTaskResult.objects.exists()


def test_the_task_makes_the_stored_pdfs_again(client, world, layouts):
    pdf(client, world["party"])
    pdf(client, world["party"], prefix="/es")
    measure = world["measures"]["sectors"]
    measure.title = "Gamma made by the worker"
    measure.save()
    assert remake_report_pdfs.call(world["party"].pk, 2020) == 2
    assert remake_report_pdfs.call(world["party"].pk, 2020) == 0  # nothing changed since
    assert len(layouts) == 4
    served = pdf(client, world["party"])
    assert "Gamma made by the worker" in everything(served)
    assert len(layouts) == 4  # served as the worker made it
    assert "http://testserver/parties/aaa/reports/2020/" in everything(served)  # the address it was asked from


def test_the_command_makes_every_report_in_each_language(world, layouts):
    out = io.StringIO()
    call_command("make_report_pdfs", "--site-url", "https://portal.example.org", stdout=out)
    assert "checked: 3; made: 3." in out.getvalue()
    assert sorted(ReportDocument.objects.values_list("language", flat=True)) == ["en", "es", "fr"]
    assert set(ReportDocument.objects.values_list("base_url", flat=True)) == {"https://portal.example.org/"}
    again = io.StringIO()
    call_command("make_report_pdfs", "--site-url", "https://portal.example.org", stdout=again)
    assert "made: 0." in again.getvalue()
    assert len(layouts) == 3


@pytest.mark.django_db(transaction=True)
def test_the_worker_makes_the_pdf_again_after_a_change(client, world):
    """The real thing: `manage.py db_worker` takes the task the change queued and stores the new PDF."""
    pdf(client, world["party"])
    before = ReportDocument.objects.get()
    worker = start_worker()
    try:
        measure = Measure.objects.get(pk=world["measures"]["sectors"].pk)
        measure.title = "Gamma seen by the real worker"
        measure.save()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            document = ReportDocument.objects.get()
            if document.fingerprint != before.fingerprint:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the worker did not make the PDF again within 120 s")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    with document.file.open("rb") as file:
        assert "Gamma seen by the real worker" in everything(file.read())


def test_a_deleted_party_takes_its_stored_pdf_along(client, world, django_capture_on_commit_callbacks):
    other = make_party(name_en="Gammaland", iso3="GGG")  # no measure, no report: the secretariat may delete it
    pdf(client, other)
    name = ReportDocument.objects.get(party=other).file.name
    storage = ReportDocument.file.field.storage
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        other.delete()
    assert not ReportDocument.objects.filter(party_id=other.pk).exists()
    assert not storage.exists(name)


def test_a_deletion_rolled_back_keeps_the_file(client, world):
    pdf(client, world["party"])
    document = ReportDocument.objects.get()
    with transaction.atomic():
        document.delete()
        transaction.set_rollback(True)
    assert ReportDocument.objects.get().file.storage.exists(document.file.name)
