"""Signing in to the back office: throttled failures with a cool-off, session lifetime, password rules, admin URL.

Everything goes through the admin's real sign-in form with Django's test client and the real database; time
passes by moving stored timestamps into the past, never by waiting.
"""

from contextlib import contextmanager
from datetime import timedelta
from importlib import reload

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from accounts.management.commands.create_demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from accounts.models import User
from tests.operations.test_settings import load_settings

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
FAILURE_LIMIT = 3
COOLOFF_MINUTES = 10
OFFICE = "198.51.100.20"
ELSEWHERE = "203.0.113.99"


@pytest.fixture(autouse=True)
def throttling(settings):
    """A small limit and an unusual cool-off, so the page is seen to use the configured values."""
    settings.AXES_FAILURE_LIMIT = FAILURE_LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=COOLOFF_MINUTES)


@pytest.fixture
def staff_user(db):
    return User.objects.create_user("maria", "maria@example.org", PASSWORD, is_staff=True)


def sign_in(client, password, *, username="maria", **request_meta):
    request_meta.setdefault("REMOTE_ADDR", OFFICE)
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        **request_meta,
    )


def fail(client, times, **request_meta):
    for _ in range(times):
        response = sign_in(client, "not-the-password", **request_meta)
    return response


def is_signed_in(client):
    return SESSION_KEY in client.session


def is_locked_out(response):
    return response.status_code == 429 and "Sign-in temporarily blocked" in response.text


# Lockout


def test_wrong_passwords_below_the_limit_show_the_form_again(client, staff_user):
    response = fail(client, FAILURE_LIMIT - 1)
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text
    assert AccessAttempt.objects.get().failures_since_start == FAILURE_LIMIT - 1


def test_the_last_allowed_failure_locks_the_account_with_429_and_the_cool_off(client, staff_user):
    response = fail(client, FAILURE_LIMIT)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [template.name for template in response.templates]
    assert f"After {FAILURE_LIMIT} failed sign-in attempts from your address" in response.text
    assert f"this account is locked for {COOLOFF_MINUTES} minutes" in response.text
    assert reverse("admin:login") in response.text
    assert not is_signed_in(client)


def test_the_right_password_is_refused_while_locked(client, staff_user):
    fail(client, FAILURE_LIMIT)
    response = sign_in(client, PASSWORD)
    assert is_locked_out(response)
    assert not is_signed_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_failures_from_another_address_do_not_lock_the_user_out_of_theirs(staff_user):
    attacker, user = Client(), Client()
    assert is_locked_out(fail(attacker, FAILURE_LIMIT, REMOTE_ADDR=ELSEWHERE))
    assert is_locked_out(sign_in(attacker, PASSWORD, REMOTE_ADDR=ELSEWHERE))

    response = sign_in(user, PASSWORD, REMOTE_ADDR=OFFICE)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert is_signed_in(user)


def test_the_lock_is_per_username(client, staff_user):
    User.objects.create_user("ana", "ana@example.org", PASSWORD, is_staff=True)
    fail(client, FAILURE_LIMIT)
    assert sign_in(client, PASSWORD, username="ana").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, staff_user):
    fail(client, FAILURE_LIMIT)
    assert is_locked_out(sign_in(client, PASSWORD))

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=COOLOFF_MINUTES, seconds=1))
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_the_lock_holds_until_the_cool_off_is_over(client, staff_user):
    fail(client, FAILURE_LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=COOLOFF_MINUTES - 1))
    assert is_locked_out(sign_in(client, PASSWORD))


def test_an_attempt_while_locked_starts_the_cool_off_again(client, staff_user):
    fail(client, FAILURE_LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=COOLOFF_MINUTES - 1))
    assert is_locked_out(sign_in(client, "still-guessing"))

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=COOLOFF_MINUTES - 1))
    assert is_locked_out(sign_in(client, PASSWORD))


def test_a_successful_sign_in_resets_the_count(client, staff_user):
    fail(client, FAILURE_LIMIT - 1)
    assert sign_in(client, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()

    client.logout()
    response = fail(client, FAILURE_LIMIT - 1)
    assert response.status_code == 200
    assert sign_in(client, PASSWORD).status_code == 302


def test_unlocking_by_hand_lets_the_user_in_at_once(client, staff_user):
    from django.core.management import call_command

    fail(client, FAILURE_LIMIT)
    call_command("axes_reset_username", "maria")
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, PASSWORD).status_code == 302


# Client address behind the reverse proxy


def test_without_a_proxy_a_forwarded_for_header_is_ignored(client, staff_user):
    fail(client, 1, REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert AccessAttempt.objects.get().ip_address == OFFICE


def test_behind_the_proxy_the_address_it_appended_counts(client, staff_user, settings):
    settings.BEHIND_PROXY = True
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # Whatever the client puts in front of its own address, the proxy's last entry is what counts.
    fail(client, FAILURE_LIMIT - 1, HTTP_X_FORWARDED_FOR=OFFICE, **proxy)
    response = fail(client, 1, HTTP_X_FORWARDED_FOR=f"192.0.2.77, {OFFICE}", **proxy)
    assert is_locked_out(response)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}

    # Another client through the same proxy is not locked out.
    assert sign_in(Client(), PASSWORD, HTTP_X_FORWARDED_FOR=ELSEWHERE, **proxy).status_code == 302


def test_behind_the_proxy_without_a_usable_forwarded_for_the_socket_address_counts(client, staff_user, settings):
    settings.BEHIND_PROXY = True
    fail(client, 1, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="unknown")
    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"


# Sessions


def test_the_session_cookie_lasts_a_working_day_and_stays_out_of_reach_of_scripts(client, staff_user):
    response = sign_in(client, PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == 8 * 60 * 60
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_an_expired_session_sends_the_user_back_to_the_sign_in_page(client, staff_user):
    sign_in(client, PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200

    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={reverse('admin:index')}"


# Password rules


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def add_user(client, username, password):
    return client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": username,
            "usable_password": "true",
            "password1": password,
            "password2": password,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )


REFUSED_PASSWORDS = [
    ("short-pw-1", "This password is too short. It must contain at least 12 characters."),
    ("qwertyqwerty", "This password is too common."),
    ("839201746352", "This password is entirely numeric."),
    ("lucia-fernandez-2", "The password is too similar to the username."),
]


@pytest.mark.parametrize(("password", "message"), REFUSED_PASSWORDS, ids=["short", "common", "numeric", "username"])
def test_the_add_user_form_refuses_weak_passwords(superuser_client, password, message):
    response = add_user(superuser_client, "lucia-fernandez", password)
    assert response.status_code == 200
    assert message in response.text
    assert not User.objects.filter(username="lucia-fernandez").exists()


@pytest.mark.parametrize(("password", "message"), REFUSED_PASSWORDS, ids=["short", "common", "numeric", "username"])
def test_the_change_password_form_refuses_weak_passwords(superuser_client, password, message):
    user = User.objects.create_user("lucia-fernandez", "lucia@example.org", PASSWORD)
    response = superuser_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "true", "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert message in response.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_long_uncommon_password_is_accepted_by_both_forms(superuser_client):
    response = add_user(superuser_client, "lucia-fernandez", "harbour-lantern-47")
    assert response.status_code == 302
    user = User.objects.get(username="lucia-fernandez")
    assert user.check_password("harbour-lantern-47")

    response = superuser_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "true", "password1": "quiet-orchard-512", "password2": "quiet-orchard-512"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("quiet-orchard-512")


@pytest.mark.parametrize("username", ["admin", *(account[0] for account in DEMO_ACCOUNTS)])
def test_the_demo_accounts_password_meets_the_rules(username):
    validate_password(DEMO_PASSWORD, User(username=username, email=f"{username}@example.org"))


def test_the_test_suites_passwords_meet_the_rules():
    from tests.support import workflow as workflow_support

    for password in (PASSWORD, workflow_support.PASSWORD):
        validate_password(password, User(username="root", email="root@example.org"))


# Admin address


@contextmanager
def admin_url(path):
    """The URLconf rebuilt as if DJANGO_ADMIN_URL were `path` (urls.py reads it once, at import)."""
    from convention_portal import urls

    try:
        with override_settings(ADMIN_URL=path):
            reload(urls)
            clear_url_caches()
            yield
    finally:
        reload(urls)
        clear_url_caches()


def test_the_admin_answers_at_the_configured_address_only(staff_user):
    with admin_url("back-office-4821/"):
        client = Client()
        assert reverse("admin:login") == "/back-office-4821/login/"
        assert client.get("/back-office-4821/login/").status_code == 200
        assert client.get("/admin/").status_code == 404
        assert client.get("/admin/login/").status_code == 404
        assert sign_in(client, PASSWORD).status_code == 302
        assert client.get("/back-office-4821/").status_code == 200
    assert reverse("admin:login") == "/admin/login/"


# Configuration


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AXES_FAILURE_LIMIT", "0"),
        ("AXES_FAILURE_LIMIT", "five"),
        ("AXES_COOLOFF_MINUTES", "-1"),
        ("DJANGO_SESSION_COOKIE_AGE", "0"),
    ],
)
def test_nonsense_throttling_and_session_values_stop_start_up(variable, value):
    code, stderr = load_settings(**{variable: value})
    assert code != 0
    assert f"{variable}={value!r}" in stderr
