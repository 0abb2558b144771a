"""`manage.py send_alerts` (cron, hourly or daily: docs/alerts.md): mail every due alert its new measures.

Running it again, or beside another run, sends nothing twice. Unconfirmed alerts past ALERT_CONFIRMATION_DAYS
are deleted first. It exits with an error when a mail could not be sent (those measures wait for the next run).
With --enqueue it only queues the same work for the task worker (`manage.py db_worker`).
"""

from django.core.management.base import BaseCommand, CommandError

from alerts.sending import send_due_alerts
from alerts.tasks import send_alerts


class Command(BaseCommand):
    help = "Mail every due e-mail alert the measures published since its last mail; delete expired unconfirmed ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the sending for the task worker instead of sending here."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = send_alerts.enqueue()
            self.stdout.write(f"E-mail alerts: sending queued for the task worker (task {result.id}).")
            return
        outcome = send_due_alerts()
        self.stdout.write(
            f"E-mail alerts: mails sent: {outcome.sent}; alerts with nothing new: {outcome.nothing_new}; "
            f"failed: {outcome.failed}; unconfirmed alerts deleted: {outcome.expired_deleted}."
        )
        if outcome.failed:
            raise CommandError(
                f"Alert mails that could not be sent: {outcome.failed}; they will be tried again on the next run."
            )
