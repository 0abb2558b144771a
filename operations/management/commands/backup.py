from django.core.management.base import BaseCommand, CommandError

from operations.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database DATABASE_URL names: pg_dump's custom format on PostgreSQL, a consistent copy "
        "on SQLite. Prints the backup's path."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", help="File to write (default: backups/portal-<UTC time>.dump or .sqlite3)."
        )

    def handle(self, *args, output=None, **options):
        try:
            path = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(path))
