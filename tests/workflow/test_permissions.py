"""The workflow's permission policy, role by role, through the admin's real URLs with CSRF enforced.

Every cell of POLICY is one test: the role opens the measure's admin page, then tries the action with a
real POST carrying the token from the page. "yes" means it happened (and the page offered it); "no" means
nothing changed (and the page did not offer it).
"""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import roles
from accounts.models import Membership, User
from measures.models import Measure, PeriodicReport, ReportingCycle
from tests.factories import make_organisation, make_party
from tests.support.workflow import (
    World,
    change_url,
    client_for,
    csrf_token,
    ensure_role_groups,
    form_data,
    make_user,
    transition_url,
)

pytestmark = pytest.mark.django_db

ACTIONS = ["view", "change", "submit", "take_back", "return", "publish", "withdraw", "delete"]

# Whose measure, from the acting role's point of view:
#   own-org      reported by civil society for the editor's organisation
#   other-org    reported by civil society for another organisation
#   own-party    reported by the focal point's Party
#   cs-in-party  reported by civil society in the focal point's Party (the organisation's, not the Party's)
#   any          any measure
POLICY = """
role          measure      state      view  change submit take_back return publish withdraw delete
editor        own-org      draft      yes   yes    yes    no        no     no      no       yes
editor        own-org      submitted  yes   no     no     yes       no     no      no       no
editor        own-org      returned   yes   yes    yes    no        no     no      no       no
editor        own-org      published  yes   no     no     no        no     no      no       no
editor        own-org      withdrawn  yes   no     no     no        no     no      no       no
editor        other-org    draft      no    no     no     no        no     no      no       no
editor        other-org    submitted  no    no     no     no        no     no      no       no
editor        other-org    returned   no    no     no     no        no     no      no       no
editor        other-org    published  no    no     no     no        no     no      no       no
editor        other-org    withdrawn  no    no     no     no        no     no      no       no
focal-point   own-party    draft      yes   yes    yes    no        no     no      no       yes
focal-point   own-party    submitted  yes   no     no     yes       no     no      no       no
focal-point   own-party    returned   yes   yes    yes    no        no     no      no       no
focal-point   own-party    published  yes   no     no     no        no     no      no       no
focal-point   own-party    withdrawn  yes   no     no     no        no     no      no       no
focal-point   cs-in-party  draft      no    no     no     no        no     no      no       no
focal-point   cs-in-party  submitted  no    no     no     no        no     no      no       no
focal-point   cs-in-party  published  no    no     no     no        no     no      no       no
reviewer      any          draft      yes   yes    yes    no        no     no      no       yes
reviewer      any          submitted  yes   yes    no     yes       yes    yes     no       yes
reviewer      any          returned   yes   yes    yes    no        no     no      no       yes
reviewer      any          published  yes   yes    no     no        no     no      yes      no
reviewer      any          withdrawn  yes   yes    no     no        no     no      no       yes
superuser     any          draft      yes   yes    yes    no        no     no      no       yes
superuser     any          submitted  yes   yes    no     yes       yes    yes     no       yes
superuser     any          returned   yes   yes    yes    no        no     no      no       yes
superuser     any          published  yes   yes    no     no        no     no      yes      yes
superuser     any          withdrawn  yes   yes    no     no        no     no      no       yes
"""


def policy_cases():
    header, *rows = [line.split() for line in POLICY.strip().splitlines()]
    assert header[3:] == ACTIONS
    for role, whose, state, *outcomes in rows:
        for action, outcome in zip(ACTIONS, outcomes, strict=True):
            yield pytest.param(role, whose, state, action, outcome == "yes", id=f"{role}-{whose}-{state}-{action}")


@pytest.fixture
def world(db):
    return World()


def subject(world, whose, state):
    if whose == "own-party":
        return world.party_measure(status=state)
    if whose == "other-org":
        return world.civil_society_measure(status=state, organisation=world.other_org)
    return world.civil_society_measure(status=state)


def actor(world, role):
    return {
        "editor": world.editor,
        "focal-point": world.focal_point,
        "reviewer": world.reviewer,
        "superuser": world.superuser,
    }[role]


def try_view(client, measure):
    response = client.get(change_url(measure))
    return response.status_code == 200 and measure.title in response.content.decode()


def try_change(client, measure):
    page = client.get(change_url(measure))
    offered = page.status_code == 200 and ' name="title"' in page.content.decode()
    token = csrf_token(client, page)
    client.post(change_url(measure), form_data(measure, page, title="Changed title", csrfmiddlewaretoken=token))
    changed = Measure.objects.get(pk=measure.pk).title == "Changed title"
    assert offered == changed, "the form offered a save the server refused, or the other way round"
    return changed


def try_move(move):
    """A move is offered either as a button of the change form (which saves the form, then moves) or, where the
    user may not change the form, as a form of its own; either way, the server's answer must match the offer."""

    def attempt(client, measure):
        page = client.get(change_url(measure))
        html = page.content.decode() if page.status_code == 200 else ""
        in_the_form = f'name="_move" value="{move}"' in html
        offered = in_the_form or transition_url(measure, move) in html
        before = Measure.objects.get(pk=measure.pk).status
        token = csrf_token(client, page)
        if in_the_form or not offered:
            data = form_data(measure, page, _move=move, move_comment="A reason.", csrfmiddlewaretoken=token)
            client.post(change_url(measure), data)
        if not in_the_form:
            client.post(transition_url(measure, move), {"comment": "A reason.", "csrfmiddlewaretoken": token})
        moved = Measure.objects.get(pk=measure.pk).status != before
        assert offered == moved, "a button was shown for a move the server refused, or the other way round"
        return moved

    return attempt


def try_delete(client, measure):
    delete_url = reverse("admin:measures_measure_delete", args=[measure.pk])
    page = client.get(change_url(measure))
    offered = page.status_code == 200 and delete_url in page.content.decode()
    token = csrf_token(client, page)
    client.post(delete_url, {"post": "yes", "csrfmiddlewaretoken": token})
    deleted = not Measure.objects.filter(pk=measure.pk).exists()
    assert offered == deleted, "a delete link was shown for a delete the server refused, or the other way round"
    return deleted


ATTEMPTS = {
    "view": try_view,
    "change": try_change,
    "submit": try_move("submit"),
    "take_back": try_move("take_back"),
    "return": try_move("return"),
    "publish": try_move("publish"),
    "withdraw": try_move("withdraw"),
    "delete": try_delete,
}


@pytest.mark.parametrize(("role", "whose", "state", "action", "allowed"), policy_cases())
def test_policy(world, role, whose, state, action, allowed):
    measure = subject(world, whose, state)
    assert ATTEMPTS[action](client_for(actor(world, role)), measure) is allowed


# What the table does not show -----------------------------------------------------------------------------

GROUP_PERMISSIONS = {
    roles.REVIEWERS: {
        *(f"measures.{action}_{model}" for action in ("add", "change", "delete", "view") for model in (
            "measure", "partner", "party", "organisation", "organisationmembership", "goal", "areaofmonitoring",
            "culturaldomain", "reportingcycle", "periodicreport",
        )),
        "measures.review_measure",
        *(f"accounts.{action}_membership" for action in ("add", "change", "delete", "view")),
        "accounts.view_user",
    },
    roles.EDITORS: {
        *(f"measures.{action}_{model}" for action in ("add", "change", "delete", "view") for model in (
            "measure", "partner"
        )),
        "measures.view_party",
        "measures.view_organisation",
    },
    roles.FOCAL_POINTS: {
        *(f"measures.{action}_{model}" for action in ("add", "change", "delete", "view") for model in (
            "measure", "partner"
        )),
        "measures.view_party",
        "measures.view_organisation",
        "measures.add_periodicreport",
        "measures.change_periodicreport",
        "measures.view_periodicreport",
    },
}  # fmt: skip


@pytest.mark.parametrize("group_name", list(GROUP_PERMISSIONS))
def test_each_group_holds_exactly_the_permissions_of_its_role(db, group_name):
    ensure_role_groups()
    group = Group.objects.get(name=group_name)
    held = {
        f"{app}.{codename}" for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
    # The experts app grants the secretariat its own permissions (and tests them in test_experts_permissions.py).
    assert {permission for permission in held if not permission.startswith("experts.")} == GROUP_PERMISSIONS[group_name]
    if group_name != roles.REVIEWERS:
        assert held == GROUP_PERMISSIONS[group_name]


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(world):
    measure = world.civil_society_measure(status=Measure.Status.SUBMITTED)
    response = client_for(world.reviewer).post(transition_url(measure, "publish"))
    assert response.status_code == 403
    assert Measure.objects.get(pk=measure.pk).status == Measure.Status.SUBMITTED


def test_opening_a_move_asks_for_confirmation_and_changes_nothing(world):
    measure = world.civil_society_measure(status=Measure.Status.SUBMITTED)
    client = client_for(world.reviewer)
    response = client.get(transition_url(measure, "return"))
    assert response.status_code == 200
    assert ' name="comment"' in response.text
    assert "required" in response.text
    assert Measure.objects.get(pk=measure.pk).status == Measure.Status.SUBMITTED


@pytest.mark.parametrize("move", ["return", "withdraw"])
def test_a_return_or_withdrawal_without_comment_asks_again_and_changes_nothing(world, move):
    status = Measure.Status.SUBMITTED if move == "return" else Measure.Status.PUBLISHED
    measure = world.civil_society_measure(status=status)
    client = client_for(world.reviewer)
    token = csrf_token(client, transition_url(measure, move))
    response = client.post(transition_url(measure, move), {"comment": "   ", "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert Measure.objects.get(pk=measure.pk).status == status
    assert not measure.transitions.exists()


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_nobody_sets_the_status_through_the_form(world, role):
    measure = world.civil_society_measure(status=Measure.Status.DRAFT)
    client = client_for(actor(world, role))
    page = client.get(change_url(measure))
    response = client.post(
        change_url(measure),
        form_data(measure, page, title="Edited", status="published", csrfmiddlewaretoken=csrf_token(client, page)),
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Edited"
    assert measure.status == Measure.Status.DRAFT


def test_an_unknown_move_is_a_404(world):
    measure = world.civil_society_measure(status=Measure.Status.SUBMITTED)
    client = client_for(world.reviewer)
    token = csrf_token(client)
    response = client.post(transition_url(measure, "approve"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:measures_party_add"),
        reverse("admin:measures_organisation_add"),
        reverse("admin:measures_goal_changelist"),
        reverse("admin:measures_areaofmonitoring_add"),
        reverse("admin:measures_reportingcycle_changelist"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:accounts_membership_changelist"),
        reverse("admin:measures_partner_changelist"),
    ],
)
def test_an_editor_cannot_touch_reference_data_users_groups_or_memberships(world, url):
    assert client_for(world.editor).get(url).status_code == 403


def test_an_editor_sees_parties_read_only_and_cannot_change_one(world):
    client = client_for(world.editor)
    url = reverse("admin:measures_party_change", args=[world.party.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert ' name="name_en"' not in page.text
    response = client.post(url, {"name_en": "Renamed", "csrfmiddlewaretoken": csrf_token(client, url)})
    assert response.status_code == 403
    world.party.refresh_from_db()
    assert world.party.name_en == "Home Party"


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:measures_party_add"),
        reverse("admin:accounts_membership_add"),
        reverse("admin:measures_periodicreport_add"),
        reverse("admin:measures_measure_import"),
    ],
)
def test_the_secretariat_manages_reference_data_memberships_and_imports(world, url):
    assert client_for(world.reviewer).get(url).status_code == 200


def test_the_secretariat_cannot_manage_users_or_groups(world):
    client = client_for(world.reviewer)
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


class TestNewMeasures:
    def add(self, client, **data):
        url = reverse("admin:measures_measure_add")
        payload = {
            "title": "A new initiative",
            "evaluated": "unknown",
            "language": "en",
            "partners-TOTAL_FORMS": "0",
            "partners-INITIAL_FORMS": "0",
            "csrfmiddlewaretoken": csrf_token(client, url),
            **data,
        }
        return client.post(url, payload)

    def test_an_editor_s_measure_is_a_civil_society_draft_of_their_organisation_whatever_is_posted(self, world):
        response = self.add(
            client_for(world.editor),
            party=world.party.pk,
            reported_by="party",
            organisation=world.other_org.pk,
            status="published",
        )
        assert response.status_code == 302
        measure = Measure.objects.get(title="A new initiative")
        assert measure.reported_by == Measure.ReportedBy.CIVIL_SOCIETY
        assert measure.organisation == world.org
        assert measure.status == Measure.Status.DRAFT
        assert measure.created_by == world.editor

    def test_the_add_form_shows_the_editor_s_organisation_read_only(self, world):
        page = client_for(world.editor).get(reverse("admin:measures_measure_add"))
        assert page.status_code == 200
        assert ' name="organisation"' not in page.text
        assert ' name="reported_by"' not in page.text
        assert ' name="status"' not in page.text

    def test_a_focal_point_s_measure_is_reported_by_their_party(self, world):
        response = self.add(client_for(world.focal_point), party=world.other_party.pk, reported_by="civil_society")
        assert response.status_code == 302
        measure = Measure.objects.get(title="A new initiative")
        assert measure.reported_by == Measure.ReportedBy.PARTY
        assert measure.party == world.party

    def test_an_editor_of_two_organisations_chooses_between_them_only(self, world):
        Membership.objects.create(user=world.editor, organisation=make_organisation(name="Second Coalition"))
        client = client_for(world.editor)
        page = client.get(reverse("admin:measures_measure_add"))
        assert "Second Coalition" in page.text
        assert "Other Coalition" not in page.text
        refused = self.add(client, party=world.party.pk, organisation=world.other_org.pk)
        assert refused.status_code == 200
        assert "Select a valid choice" in refused.text
        assert not Measure.objects.filter(title="A new initiative").exists()
        accepted = self.add(client, party=world.party.pk, organisation=world.org.pk)
        assert accepted.status_code == 302
        assert Measure.objects.get(title="A new initiative").organisation == world.org

    def test_someone_speaking_for_an_organisation_and_a_party_saves_only_for_them(self, world):
        Membership.objects.create(user=world.editor, party=world.party)
        client = client_for(world.editor)
        refused = self.add(client, party=world.other_party.pk, reported_by="party")
        assert refused.status_code == 200
        assert "You can only save measures of the organisations or Parties you speak for." in refused.text
        refused = self.add(client, party=world.party.pk, reported_by="civil_society", organisation=world.other_org.pk)
        assert "You can only save measures of the organisations or Parties you speak for." in refused.text
        assert not Measure.objects.filter(title="A new initiative").exists()
        accepted = self.add(client, party=world.party.pk, reported_by="party")
        assert accepted.status_code == 302

    def test_a_staff_user_without_membership_cannot_add_measures(self, world):
        lone = make_user("lone-editor", roles.EDITORS)
        assert client_for(lone).get(reverse("admin:measures_measure_add")).status_code == 403


class TestPeriodicReports:
    @pytest.fixture
    def cycles(self, db):
        past = ReportingCycle.objects.create(year=2020)
        current = ReportingCycle.objects.create(year=2099, deadline="2099-06-30")
        return past, current

    def move(self, client, report, move):
        url = reverse("admin:measures_periodicreport_move", args=[report.pk, move])
        token = csrf_token(client, reverse("admin:measures_periodicreport_change", args=[report.pk]))
        client.post(url, {"csrfmiddlewaretoken": token})
        report.refresh_from_db()
        return report.status

    def test_a_focal_point_submits_their_party_s_report_for_the_open_cycle(self, world, cycles):
        report = PeriodicReport.objects.create(party=world.party, cycle=cycles[1], status="draft")
        assert self.move(client_for(world.focal_point), report, "submit") == "submitted"
        assert report.submission_date is not None

    def test_a_focal_point_cannot_submit_a_past_cycle_s_report_or_transmit(self, world, cycles):
        past = PeriodicReport.objects.create(party=world.party, cycle=cycles[0], status="draft")
        assert self.move(client_for(world.focal_point), past, "submit") == "draft"
        current = PeriodicReport.objects.create(party=world.party, cycle=cycles[1], status="submitted")
        assert self.move(client_for(world.focal_point), current, "transmit") == "submitted"

    def test_the_secretariat_transmits_then_publishes(self, world, cycles):
        report = PeriodicReport.objects.create(party=world.party, cycle=cycles[1], status="submitted")
        client = client_for(world.reviewer)
        assert self.move(client, report, "transmit") == "transmitted"
        assert self.move(client, report, "publish") == "published"
        assert self.move(client, report, "submit") == "published"

    def test_a_focal_point_does_not_see_another_party_s_report(self, world, cycles):
        report = PeriodicReport.objects.create(party=world.other_party, cycle=cycles[1], status="draft")
        client = client_for(world.focal_point)
        changelist = client.get(reverse("admin:measures_periodicreport_changelist"))
        assert changelist.status_code == 200
        assert changelist.context["cl"].result_count == 0
        guessed = client.get(reverse("admin:measures_periodicreport_change", args=[report.pk]))
        assert guessed.status_code == 302
        assert self.move(client, report, "submit") == "draft"

    def test_the_report_status_is_not_a_form_field(self, world, cycles):
        report = PeriodicReport.objects.create(party=world.party, cycle=cycles[1], status="draft")
        page = client_for(world.reviewer).get(reverse("admin:measures_periodicreport_change", args=[report.pk]))
        assert ' name="status"' not in page.text

    def test_a_focal_point_adds_their_party_s_report_for_the_open_cycle_as_a_draft(self, world, cycles):
        client = client_for(world.focal_point)
        url = reverse("admin:measures_periodicreport_add")
        page = client.get(url)
        assert "Away Party" not in page.text
        assert ">2020<" not in page.text
        response = client.post(
            url,
            {
                "party": world.party.pk,
                "cycle": cycles[1].pk,
                "language": "en",
                "csrfmiddlewaretoken": csrf_token(client, page),
            },
        )
        assert response.status_code == 302
        report = PeriodicReport.objects.get(party=world.party)
        assert (report.cycle, report.status) == (cycles[1], PeriodicReport.Status.DRAFT)


class TestDemoAccounts:
    @pytest.fixture
    def reference(self, db):
        ensure_role_groups()
        return make_organisation(slug="cdce", name="CDCE"), make_party(iso3="CAN", name_en="Canada")

    def test_with_debug_on_the_three_workflow_accounts_are_created_once(self, reference, settings):
        settings.DEBUG = True
        call_command("create_demo_accounts", stdout=io.StringIO())
        call_command("create_demo_accounts", stdout=io.StringIO())
        cdce, canada = reference
        accounts = {user.username: user for user in User.objects.prefetch_related("groups", "memberships")}
        assert set(accounts) == {"admin", "secretariat", "cdce-editor", "canada-focal-point"}
        assert [group.name for group in accounts["secretariat"].groups.all()] == [roles.REVIEWERS]
        assert [m.organisation for m in accounts["cdce-editor"].memberships.all()] == [cdce]
        assert [m.party for m in accounts["canada-focal-point"].memberships.all()] == [canada]
        assert all(user.check_password("convention-2005") for user in accounts.values())
        assert roles.is_reviewer(accounts["secretariat"])
        assert not roles.is_reviewer(accounts["cdce-editor"])

    def test_with_debug_off_no_account_is_created(self, reference, settings):
        settings.DEBUG = False
        with pytest.raises(CommandError):
            call_command("create_demo_accounts", stdout=io.StringIO())
        assert not User.objects.exists()


# Bulk import: each row checked against the importer's reach ---------------------------------------------------

#   own-org / other-org      reported by civil society for the editor's organisation / another one
#   own-party / other-party  reported by the focal point's Party / another Party
#   …-implied                `reported_by` and `organisation` left empty: the importer's own, if they have one
IMPORT_POLICY = """
role          row                 imported
editor        own-org             yes
editor        own-org-implied     yes
editor        other-org           no
editor        own-party           no
focal-point   own-party           yes
focal-point   own-party-implied   yes
focal-point   other-party         no
focal-point   own-org             no
reviewer      own-org             yes
reviewer      other-org           yes
reviewer      other-party         yes
superuser     other-org           yes
superuser     other-party         yes
"""

IMPORT_ROWS = {
    "own-org": {"party": "HOM", "reported_by": "civil_society", "organisation": "own-coalition"},
    "own-org-implied": {"party": "HOM", "reported_by": "", "organisation": ""},
    "other-org": {"party": "HOM", "reported_by": "civil_society", "organisation": "other-coalition"},
    "own-party": {"party": "HOM", "reported_by": "party"},
    "own-party-implied": {"party": "HOM", "reported_by": ""},
    "other-party": {"party": "AWY", "reported_by": "party"},
}


def import_cases():
    _header, *rows = [line.split() for line in IMPORT_POLICY.strip().splitlines()]
    for role, row, outcome in rows:
        yield pytest.param(role, row, outcome == "yes", id=f"{role}-imports-{row}")


@pytest.mark.parametrize(("role", "row", "allowed"), import_cases())
def test_import_policy(world, monkeypatch, role, row, allowed):
    from imports.models import ImportJob
    from tests.support.imports import csv_bytes, import_through_the_back_office

    world.party.iso3, world.other_party.iso3 = "HOM", "AWY"
    world.party.save()
    world.other_party.save()
    user = actor(world, role)
    title = f"Imported by {role}: {row}"
    job = import_through_the_back_office(
        client_for(user), monkeypatch, csv_bytes([{**IMPORT_ROWS[row], "title": title}])
    )
    if allowed:
        assert (job.state, job.imported_count) == (ImportJob.State.DONE, 1)
        measure = Measure.objects.get(title=title)
        assert (measure.status, measure.created_by) == (Measure.Status.DRAFT, user)
    else:
        assert job.state == ImportJob.State.INVALID
        assert not Measure.objects.filter(title=title).exists()


# The reporting organisation a role may name, refused on the server whatever the form sends ---------------------

ORGANISATION_POLICY = """
role          measure     organisation      saved
editor        own-org     own-coalition     yes
editor        own-org     other-coalition   no
focal-point   own-party   home-ministry     yes
focal-point   own-party   own-coalition     no
focal-point   own-party   away-ministry     no
reviewer      own-party   own-coalition     yes
reviewer      own-org     other-coalition   yes
"""


def organisation_cases():
    _header, *rows = [line.split() for line in ORGANISATION_POLICY.strip().splitlines()]
    for role, whose, organisation, outcome in rows:
        yield pytest.param(role, whose, organisation, outcome == "yes", id=f"{role}-{whose}-names-{organisation}")


@pytest.mark.parametrize(("role", "whose", "organisation", "allowed"), organisation_cases())
def test_organisation_policy(world, role, whose, organisation, allowed):
    world.org.country = world.other_org.country = world.party
    world.org.save()
    world.other_org.save()
    organisations = {
        "own-coalition": world.org,
        "other-coalition": world.other_org,
        "home-ministry": make_organisation(name="Home ministry", kind="government", country=world.party),
        "away-ministry": make_organisation(name="Away ministry", kind="government", country=world.other_party),
    }
    measure = subject(world, whose, "draft")
    client = client_for(actor(world, role))
    page = client.get(change_url(measure))
    chosen = organisations[organisation]
    token = csrf_token(client, page)
    client.post(change_url(measure), form_data(measure, page, organisation=chosen.pk, csrfmiddlewaretoken=token))
    measure.refresh_from_db()
    assert (measure.organisation_id == chosen.pk) == allowed
