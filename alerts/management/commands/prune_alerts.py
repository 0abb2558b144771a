"""`manage.py prune_alerts` (part of `make housekeeping`): delete the alerts never confirmed within
ALERT_CONFIRMATION_DAYS. `send_alerts` does it too; this is for sites that send through the task worker."""

from django.core.management.base import BaseCommand

from alerts.sending import delete_expired


class Command(BaseCommand):
    help = "Delete the e-mail alerts whose address did not confirm them within ALERT_CONFIRMATION_DAYS."

    def handle(self, *args, **options):
        self.stdout.write(f"E-mail alerts: unconfirmed alerts deleted: {delete_expired()}.")
