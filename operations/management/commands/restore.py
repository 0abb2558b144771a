from django.core.management.base import BaseCommand, CommandError

from convention_portal import page_cache
from operations.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the content of the database DATABASE_URL names with a backup made by `backup`. "
        "Asks no question: everything in the database now is overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup to restore (a .dump on PostgreSQL, a .sqlite3 on SQLite).")

    def handle(self, *args, file, **options):
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        page_cache.invalidate()
        self.stdout.write(f"Restored {file}.")
