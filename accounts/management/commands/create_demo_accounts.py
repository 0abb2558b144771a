"""Create the local demo accounts (documented in README.md); refuses to run with debug off."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import roles
from accounts.models import Membership, User
from measures.models import Organisation, Party

DEMO_PASSWORD = "convention-2005"

#: username, group, organisation slug, Party ISO3 code.
DEMO_ACCOUNTS = [
    ("secretariat", roles.REVIEWERS, None, None),
    ("cdce-editor", roles.EDITORS, "cdce", None),
    ("canada-focal-point", roles.FOCAL_POINTS, None, "CAN"),
]


class Command(BaseCommand):
    help = "Create the local superuser 'admin' and the workflow demo accounts if missing (debug mode only)."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts exist only for local development (DJANGO_DEBUG on).")
        if User.objects.filter(username="admin").exists():
            self.stdout.write("Demo account 'admin' already exists; left unchanged.")
        else:
            User.objects.create_superuser("admin", "admin@localhost", DEMO_PASSWORD)
            self.stdout.write(self.style.SUCCESS(f"Created superuser 'admin' with password '{DEMO_PASSWORD}'."))
        for username, group_name, organisation_slug, party_iso3 in DEMO_ACCOUNTS:
            self.create(username, group_name, organisation_slug, party_iso3)

    def create(self, username, group_name, organisation_slug, party_iso3):
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Demo account '{username}' already exists; left unchanged.")
            return
        try:
            group = Group.objects.get(name=group_name)
            organisation = Organisation.objects.get(slug=organisation_slug) if organisation_slug else None
            party = Party.objects.get(iso3=party_iso3) if party_iso3 else None
        except (Group.DoesNotExist, Organisation.DoesNotExist, Party.DoesNotExist) as error:
            raise CommandError(
                f"Cannot create '{username}': {error} "
                "Run `manage.py migrate` and `manage.py load_reference_data` first."
            ) from None
        user = User.objects.create_user(username, f"{username}@localhost", DEMO_PASSWORD, is_staff=True)
        user.groups.add(group)
        if organisation or party:
            Membership.objects.create(user=user, organisation=organisation, party=party)
        speaks_for = f", speaking for {organisation or party}" if organisation or party else ""
        self.stdout.write(
            self.style.SUCCESS(f"Created '{username}' ({group_name}{speaks_for}) with password '{DEMO_PASSWORD}'.")
        )
