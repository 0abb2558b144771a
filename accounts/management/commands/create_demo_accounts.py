"""Create the local demo accounts (documented in README.md); refuses to run with debug off."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User

DEMO_PASSWORD = "convention-2005"


class Command(BaseCommand):
    help = "Create the local superuser 'admin' if it is missing (debug mode only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts exist only for local development (DJANGO_DEBUG on).")
        if User.objects.filter(username="admin").exists():
            self.stdout.write("Demo account 'admin' already exists; left unchanged.")
            return
        User.objects.create_superuser("admin", "admin@localhost", DEMO_PASSWORD)
        self.stdout.write(self.style.SUCCESS(f"Created superuser 'admin' with password '{DEMO_PASSWORD}'."))
