"""Load the portal's real reference data; running it again updates records in place and adds nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from convention_portal import page_cache


class Command(BaseCommand):
    help = "Load (or update in place) the real reference data of every app listed in REFERENCE_DATA_LOADERS."

    @transaction.atomic
    def handle(self, *args, **options):
        for dotted_path in settings.REFERENCE_DATA_LOADERS:
            summary = import_string(dotted_path)()
            self.stdout.write(self.style.SUCCESS(f"{dotted_path}: {summary}."))
        page_cache.invalidate()  # bulk writes send no signals
