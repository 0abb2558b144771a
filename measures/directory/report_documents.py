"""The periodic reports' PDFs, kept once made and served again while what they show is unchanged.

WeasyPrint takes seconds to lay out a report of a hundred measures, far too long for a visitor to wait each time.
So each PDF is stored (Django's file storage: the disk, or the object store shared by every machine) with the
*fingerprint* of what it shows: the report's print page rendered without its extraction date, the print stylesheet
and the WeasyPrint version. A request renders that page (a fraction of a second), and serves the stored PDF when the
fingerprint matches; otherwise it makes the PDF, stores it and serves it. Nothing stale is ever served: any change
to what the report shows (a measure, a Party's name, a goal's translation, the template) changes the fingerprint.

To spare the next visitor the wait, a change to a measure of a report, or to the report itself, asks the task
worker (django-tasks, `manage.py db_worker`) to make that report's stored PDFs again once the change commits;
`manage.py make_report_pdfs` makes them all ahead, after a deployment say.
"""

import hashlib
import logging
from functools import cache
from urllib.parse import urlsplit

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from measures.models import Measure, Partner, PeriodicReport, ReportDocument

logger = logging.getLogger(__name__)

STYLESHEET = "css/report.css"


@cache
def layout_version():
    """What besides the page decides the PDF's look: the print stylesheet and the WeasyPrint release."""
    import weasyprint

    with open(finders.find(STYLESHEET), "rb") as stylesheet:
        return hashlib.sha256(stylesheet.read()).hexdigest() + weasyprint.__version__


def fingerprint(print_page):
    return hashlib.sha256(print_page.encode() + layout_version().encode()).hexdigest()


def report_pdf(request, context):
    """The report's PDF in the active language: the stored one while its fingerprint holds, else made now and
    stored. `context` is report_pages.report_context's, with the PDF's own entries (pdf, page_url, document)."""
    from measures.directory.report_pages import TEMPLATE, render_pdf

    party, cycle, language = context["party"], context["cycle"], translation.get_language()
    key = fingerprint(render_to_string(TEMPLATE, {**context, "extracted_on": None}, request=request))
    stored = ReportDocument.objects.filter(party=party, cycle=cycle, language=language).first()
    if stored is not None and stored.fingerprint == key:
        try:
            with stored.file.open("rb") as file:
                return file.read()
        except OSError:  # the file is gone (storage emptied): make it again
            logger.warning("Stored PDF %s missing; making it again", stored.file.name)
    pdf = render_pdf(request, {**context, "extracted_on": timezone.localdate()})
    keep(stored, party, cycle, language, key, pdf, request.build_absolute_uri("/"))
    return pdf


def keep(stored, party, cycle, language, key, pdf, base_url):
    """Store `pdf` as the report's document in `language`, in place of `stored` (whose file is deleted once the
    new row commits). A request storing the same document at the same moment wins or loses without an error."""
    name = f"{party.slug}-{cycle.year}-{language}-{key[:16]}.pdf"
    fields = {"fingerprint": key, "base_url": base_url, "made_at": timezone.now()}
    try:
        with transaction.atomic():
            document = stored or ReportDocument(party=party, cycle=cycle, language=language)
            old_file = document.file.name if stored else None
            for field, value in fields.items():
                setattr(document, field, value)
            document.file.save(name, ContentFile(pdf), save=False)
            document.save()
    except IntegrityError:  # made by another request meanwhile
        document.file.delete(save=False)
        return
    if old_file and old_file != document.file.name:
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))


def request_for(base_url, path, language):
    """A GET of `path` as if asked at `base_url` (the address a stored PDF was asked from), for the worker."""
    parts = urlsplit(base_url)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {
        "HTTP_HOST": parts.netloc,
        "SERVER_NAME": parts.hostname or "localhost",
        "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)),
        "wsgi.url_scheme": parts.scheme,
    }
    request._get_scheme = lambda: parts.scheme
    request.get_host = lambda: parts.netloc  # the portal's own address (a setting, or where it was asked from)
    request.LANGUAGE_CODE = language
    return request


def remake(party, cycle, languages=None, base_url=None):
    """Make the report's PDFs again where their content changed: those stored (in `languages`, if given), or,
    with `base_url`, one in each of `languages` whether stored or not. Returns how many were made."""
    from measures.directory.report_pages import ReportPdfView, report_context, report_or_404

    stored = {document.language: document for document in ReportDocument.objects.filter(party=party, cycle=cycle)}
    wanted = {
        language: base_url or stored[language].base_url
        for language in languages or stored
        if base_url or language in stored
    }
    made = 0
    for language, address in wanted.items():
        with translation.override(language):
            path = reverse(ReportPdfView.url_name, args=[party.slug, cycle.year])
            request = request_for(address, path, language)
            _party, _cycle, report = report_or_404(party.slug, cycle.year)
            context = ReportPdfView.pdf_context(request, report_context(party, cycle, report, timezone.localdate()))
            before = stored.get(language)
            report_pdf(request, context)
            after = ReportDocument.objects.filter(party=party, cycle=cycle, language=language).first()
            made += after is not None and (before is None or after.fingerprint != before.fingerprint)
    return made


# What asks the worker to make a report's PDFs again: a change to one of its measures (seen by the public), their
# links and partners, or to the report. Collected per transaction, and asked once it commits.


def reports_touched_by(instance):
    if isinstance(instance, Partner):
        if Partner.measure.is_cached(instance):
            instance = instance.measure
        else:
            instance = Measure.objects.filter(pk=instance.measure_id).only("party", "report_year", "status").first()
    if isinstance(instance, Measure):
        if instance.report_year and instance.seen_by_the_public:
            return {(instance.party_id, instance.report_year)}
        return set()
    if isinstance(instance, PeriodicReport):
        return {(instance.party_id, instance.cycle.year)}
    return set()


def _ask_the_worker(party_id, year):
    from measures.tasks import remake_report_pdfs

    if ReportDocument.objects.filter(party_id=party_id, cycle__year=year).exists():
        remake_report_pdfs.enqueue(party_id, year)


def _changed(sender, instance=None, raw=False, **kwargs):
    """Once the transaction commits, ask for each report the change touched, once however many saves it took."""
    if raw or instance is None:
        return
    connection = transaction.get_connection()
    # The callbacks still waiting for this transaction's commit (Django drops those of a rolled-back savepoint).
    waiting = {getattr(callback, "report", None) for _sids, callback, _robust in connection.run_on_commit}
    for key in reports_touched_by(instance) - waiting:

        def ask(key=key):
            _ask_the_worker(*key)

        ask.report = key
        transaction.on_commit(ask)


def _delete_file(sender, instance, **kwargs):
    """A document deleted (with its Party or its cycle, say) takes its file along, once the deletion commits."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def connect_signals():
    post_delete.connect(_delete_file, sender=ReportDocument, dispatch_uid="report-pdfs-file")
    for model in (Measure, Partner, PeriodicReport):
        for signal in (post_save, post_delete):
            signal.connect(_changed, sender=model, dispatch_uid=f"report-pdfs-{signal!r}-{model._meta.label}")
    for through in (
        Measure.areas.through,
        Measure.goals_ticked.through,
        Measure.domains.through,
        Measure.goals.through,
    ):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"report-pdfs-m2m-{through._meta.label}")
