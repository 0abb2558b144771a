"""Every admin page a superuser can reach answers 200."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Membership
from alerts.models import Alert
from experts.models import Expert
from measures.models import Measure, Partner, PeriodicReport, ReportingCycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(reference_data, superuser):
    measure = Measure.objects.get()
    Membership.objects.create(user=superuser, organisation=measure.organisation)
    Partner.objects.create(measure=measure, name="IFCCD", entity_type="civil_society")
    Group.objects.create(name="Reviewers")
    PeriodicReport.objects.create(party=measure.party, cycle=ReportingCycle.objects.get(year=2012))
    # The reference data names no expert (the sources give none), so the test brings its own.
    Expert.objects.create(name="Test expert", country=measure.party)
    # Sign-in records, as django-axes writes them.
    client = {"username": "root", "ip_address": "192.0.2.1", "user_agent": "test", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(**client, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**client)
    AccessFailureLog.objects.create(**client)
    Alert.objects.create(email="reader@example.org", query="area=artistic-freedom")


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", registered_models(), ids=lambda model: model._meta.label)
def test_changelist_add_and_change_pages(admin_client_logged_in, everything, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client_logged_in.get(changelist).status_code == 200
    assert admin_client_logged_in.get(changelist, {"q": "a"}).status_code == 200
    add = admin_client_logged_in.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    # Sign-in records come from sign-ins only, alerts from their readers' own confirmation: their admin refuses to
    # add one by hand.
    assert add.status_code == (403 if opts.app_label in ("axes", "alerts") else 200)
    obj = model._default_manager.first()
    assert obj is not None, f"no {opts.label} to open"
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert admin_client_logged_in.get(change).status_code == 200


def test_every_party_and_the_cdce_measure_are_in_the_admin(admin_client_logged_in, reference_data):
    response = admin_client_logged_in.get(reverse("admin:measures_party_changelist"), {"all": ""})
    assert response.context["cl"].result_count == 138
    response = admin_client_logged_in.get(reverse("admin:measures_measure_changelist"))
    assert "Provided support to other coalitions" in response.text


def test_a_civil_society_measure_without_organisation_is_refused_with_a_message(admin_client_logged_in, reference_data):
    from measures.models import Party

    data = {
        "title": "Untitled initiative",
        "party": Party.objects.get(iso3="CAN").pk,
        "reported_by": "civil_society",
        "evaluated": "unknown",
        "language": "en",
        "status": "draft",
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
    }
    response = admin_client_logged_in.post(reverse("admin:measures_measure_add"), data)
    assert response.status_code == 200
    assert "needs its reporting organisation" in response.text
    assert "Untitled initiative</textarea>" in response.text
    assert not Measure.objects.filter(title="Untitled initiative").exists()
