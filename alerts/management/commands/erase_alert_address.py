"""`manage.py erase_alert_address ADDRESS`: erase everything the alerts hold about an address (a request to
erase personal data): its alerts and the record of the measures mailed to them."""

from django.core.management.base import BaseCommand
from django.db import transaction

from alerts.models import Alert


class Command(BaseCommand):
    help = "Delete every e-mail alert of ADDRESS (and the record of what was mailed to it)."

    def add_arguments(self, parser):
        parser.add_argument("address")

    def handle(self, *args, address, **options):
        with transaction.atomic():
            alerts = Alert.objects.for_address(address)
            count = alerts.count()
            alerts.delete()
        self.stdout.write(f"E-mail alerts: {count} deleted for that address.")
