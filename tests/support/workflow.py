"""Personas and helpers shared by the workflow, permission, isolation, concurrency and import tests.

The world: two organisations and two Parties; an editor for each organisation, a focal point for the home
Party, a secretariat reviewer and a superuser, all in the groups the migration creates.
"""

import importlib
import re
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.models import Membership, User
from measures.models import Measure
from tests.factories import make_measure, make_organisation, make_party

PASSWORD = "a-long-test-password"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MANAGEMENT_INPUT = re.compile(r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)" value="(\d+)"')


def ensure_role_groups():
    """The groups accounts migrations 0003 and 0004 create, recreated by their own code if a flush removed them.

    Tests that run in transactions (browser tests) end with a flush that empties every table, data migrations'
    rows included; tests that run after them need the groups back.
    """
    if Group.objects.filter(name__in=[roles.REVIEWERS, roles.EDITORS, roles.FOCAL_POINTS]).count() < 3:
        schema_editor = SimpleNamespace(connection=connection)
        importlib.import_module("accounts.migrations.0003_role_groups").create_groups(apps, schema_editor)
        importlib.import_module("accounts.migrations.0004_secretariat_experts_permissions").grant(apps, schema_editor)


def make_user(username, group=None, *, organisation=None, party=None, password=None, **fields):
    """A staff user in `group`, speaking for `organisation` or `party`; without a password unless given (hashing
    is deliberately slow, and the test client logs in without one)."""
    user = User.objects.create_user(username, f"{username}@example.org", password, is_staff=True, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    if organisation is not None or party is not None:
        Membership.objects.create(user=user, organisation=organisation, party=party)
    return user


class World:
    def __init__(self):
        ensure_role_groups()
        self.party = make_party(name_en="Home Party")
        self.other_party = make_party(name_en="Away Party")
        self.org = make_organisation(name="Own Coalition", slug="own-coalition")
        self.other_org = make_organisation(name="Other Coalition", slug="other-coalition")
        self.reviewer = make_user("reviewer", roles.REVIEWERS)
        self.second_reviewer = make_user("second-reviewer", roles.REVIEWERS)
        self.editor = make_user("editor", roles.EDITORS, organisation=self.org)
        self.other_editor = make_user("other-editor", roles.EDITORS, organisation=self.other_org)
        self.focal_point = make_user("focal-point", roles.FOCAL_POINTS, party=self.party)
        self.superuser = User.objects.create_superuser("root", "root@example.org", None)

    def civil_society_measure(self, status=Measure.Status.DRAFT, organisation=None, **fields):
        return make_measure(
            party=fields.pop("party", self.party),
            reported_by=Measure.ReportedBy.CIVIL_SOCIETY,
            organisation=organisation or self.org,
            status=status,
            **fields,
        )

    def party_measure(self, status=Measure.Status.DRAFT, party=None, **fields):
        return make_measure(party=party or self.party, reported_by=Measure.ReportedBy.PARTY, status=status, **fields)


def client_for(user):
    """A test client that enforces CSRF, as a browser meets it."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_token(client, page=None):
    """The token from a page's form, as a browser would post it: `page` is a path or a response already fetched.

    Every admin page carries one in its log-out form; a page the user may not open falls back to the index.
    """
    if page is None or isinstance(page, str):
        page = client.get(page or reverse("admin:index"))
    match = CSRF_INPUT.search(page.content.decode())
    if match is None:
        match = CSRF_INPUT.search(client.get(reverse("admin:index")).content.decode())
    return match.group(1)


def change_url(measure):
    return reverse("admin:measures_measure_change", args=[measure.pk])


def transition_url(measure, move):
    return reverse("admin:measures_measure_transition", args=[measure.pk, move])


def inline_management_forms(page):
    """The management forms of every inline on a fetched change page, with its blank extra forms left out."""
    values = dict(MANAGEMENT_INPUT.findall(page.content.decode()))
    for name in values:
        if name.endswith("-TOTAL_FORMS"):
            values[name] = values[name.replace("-TOTAL_FORMS", "-INITIAL_FORMS")]
    return values


def form_data(measure, page=None, **overrides):
    """Everything the measure's change form may post; fields a role sees read-only are ignored by the admin.

    With the change `page` fetched, its inlines' management forms are posted back as they are.
    """
    data = {
        "title": measure.title,
        "party": measure.party_id,
        "periodic_report": measure.periodic_report_id or "",
        "report_year": measure.report_year or "",
        "reported_by": measure.reported_by,
        "organisation": measure.organisation_id or "",
        "period_start": measure.period_start or "",
        "period_end": measure.period_end or "",
        "main_features": measure.main_features,
        "results": measure.results,
        "financial_resources": measure.financial_resources,
        "financial_resources_usd": measure.financial_resources_usd or "",
        "evaluated": measure.evaluated,
        "evaluation_findings": measure.evaluation_findings,
        "language": measure.language,
        "source_url": measure.source_url,
        "expected_version": measure.version,
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "1000",
    }
    if page is not None and page.status_code == 200:
        data.update(inline_management_forms(page))
    data.update(overrides)
    return data


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []
