"""`manage.py make_report_pdfs`: make and store the periodic reports' PDFs ahead of the first visitor (after a
deployment that changed the template or the stylesheet, say): those whose content changed, in each language.

Links in a PDF use the portal's public address: --site-url, else DJANGO_SITE_URL.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from measures.directory.report_documents import remake
from measures.models import PeriodicReport


class Command(BaseCommand):
    help = "Make the stored PDFs of the periodic reports again where their content changed."

    def add_arguments(self, parser):
        parser.add_argument("--site-url", default=settings.ALERT_SITE_URL, help="e.g. https://portal.example.org")
        parser.add_argument("--party", action="append", default=[], help="a Party's code (repeatable); all if none")
        parser.add_argument("--cycle", type=int, action="append", default=[], help="a cycle's year (repeatable)")
        parser.add_argument(
            "--language", action="append", default=[], choices=[code for code, _name in settings.LANGUAGES]
        )

    def handle(self, *args, site_url, party, cycle, language, **options):
        if not site_url:
            raise CommandError("Give the portal's public address: --site-url https://… (or set DJANGO_SITE_URL).")
        reports = PeriodicReport.objects.select_related("party", "cycle").order_by("party__slug", "cycle__year")
        if party:
            reports = reports.filter(party__iso3__in=[code.upper() for code in party])
        if cycle:
            reports = reports.filter(cycle__year__in=cycle)
        languages = language or [code for code, _name in settings.LANGUAGES]
        made = checked = 0
        for report in reports:
            made += remake(report.party, report.cycle, languages=languages, base_url=site_url.rstrip("/") + "/")
            checked += len(languages)
        self.stdout.write(f"Periodic report PDFs: checked: {checked}; made: {made}.")
