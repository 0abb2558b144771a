"""The public site's way in for contributors: the footer's links, the /contribute/ page, and signing in through the
back office's real login form, CSRF enforced, without being sent off-site by a hostile `next`."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import roles
from tests.factories import make_organisation
from tests.support.workflow import CSRF_INPUT, PASSWORD, ensure_role_groups, make_user

pytestmark = pytest.mark.django_db

OFFICE = "198.51.100.20"
HEADING = "Contribute to the portal"


def footer(response):
    match = re.search(r'<footer class="site-footer">(.*?)</footer>', response.content.decode(), re.S)
    assert match is not None
    return match.group(1)


def heading(response):
    match = re.search(r"<h1>([^<]+)</h1>", response.content.decode())
    assert match is not None
    return match.group(1)


def sign_in_href():
    return f"{reverse('admin:login')}?next={reverse('admin:index')}"


# The footer


@pytest.mark.parametrize(("prefix", "language"), [("", "en"), ("/fr", "fr")])
def test_the_footer_has_the_sign_in_and_contribute_links(client, prefix, language):
    response = client.get(f"{prefix}/")

    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    links = footer(response)
    assert f'<a href="{sign_in_href()}">' in links
    assert f'<a href="{prefix}/contribute/">' in links


def test_the_sign_in_link_is_the_back_office_login_with_its_index_next(client):
    assert sign_in_href() == "/admin/login/?next=/admin/"
    page = client.get(sign_in_href())
    assert page.status_code == 200
    assert 'name="next" value="/admin/"' in page.content.decode()


# The page


@pytest.mark.parametrize(("prefix", "language"), [("", "en"), ("/fr", "fr"), ("/es", "es")])
def test_the_contribute_page_answers_in_each_language(client, prefix, language):
    response = client.get(f"{prefix}/contribute/")

    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    with translation.override(language):
        assert heading(response) == translation.gettext(HEADING)
        assert reverse("accounts:contribute") == f"{prefix}/contribute/"
    assert 'aria-current="page"' in footer(response)


def test_the_contribute_page_says_who_contributes_and_what_happens(client):
    page = client.get(reverse("accounts:contribute")).content.decode()

    for title in ("Who may contribute", "What happens after you submit", "How to get an account", "Sign in"):
        assert f">{title}</h2>" in page
    assert "Coalition for the Diversity of Cultural Expressions" in page
    assert "focal points" in page
    assert "Nothing is public before the secretariat publishes it" in page


def test_the_contribute_page_has_the_sign_in_button(client):
    page = client.get(reverse("accounts:contribute")).content.decode()

    form = re.search(r'<form method="get" action="([^"]+)">(.*?)</form>', page, re.S)
    assert form is not None
    assert form.group(1) == reverse("admin:login")
    assert f'<input type="hidden" name="next" value="{reverse("admin:index")}">' in form.group(2)
    assert "<button" in form.group(2)


def test_the_account_request_goes_to_the_contact_address(client, settings):
    settings.CONTACT_EMAIL = "contact@example.org"
    settings.DEFAULT_FROM_EMAIL = "noreply@example.org"
    page = client.get(reverse("accounts:contribute")).content.decode()
    assert '<a href="mailto:contact@example.org">contact@example.org</a>' in page
    assert "noreply@example.org" not in page


def test_without_a_contact_address_the_account_request_goes_to_the_sender_address(client, settings):
    if hasattr(django_settings, "CONTACT_EMAIL"):
        del settings.CONTACT_EMAIL
    settings.DEFAULT_FROM_EMAIL = "noreply@example.org"
    page = client.get(reverse("accounts:contribute")).content.decode()
    assert '<a href="mailto:noreply@example.org">noreply@example.org</a>' in page


def test_a_machine_only_address_is_not_shown(client, settings):
    settings.CONTACT_EMAIL = "portal@localhost"
    page = client.get(reverse("accounts:contribute")).content.decode()
    assert "localhost" not in page
    assert "Write to the secretariat, saying who you are" in page


def test_the_contribute_page_is_served_from_the_public_page_cache(client, settings, monkeypatch):
    from accounts import views

    settings.PAGE_CACHE_SECONDS = 600
    rendered = []
    monkeypatch.setattr(views, "contact_email", lambda: rendered.append(1) or "contact@example.org")

    first = client.get("/contribute/")
    second = client.get("/contribute/")

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert len(rendered) == 1


# Signing in through the back office's login form


@pytest.fixture
def contributor():
    ensure_role_groups()
    organisation = make_organisation(name="Own Coalition", slug="own-coalition")
    return make_user("contributor", roles.EDITORS, organisation=organisation, password=PASSWORD)


def sign_in(client, next_url, *, username="contributor", password=PASSWORD):
    """As a browser does it: open the login form (which sets the CSRF cookie), then post it with its token."""
    login = reverse("admin:login")
    form = client.get(login, {"next": next_url}, REMOTE_ADDR=OFFICE)
    assert form.status_code == 200
    token = CSRF_INPUT.search(form.content.decode()).group(1)
    return client.post(
        login,
        {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": next_url},
        REMOTE_ADDR=OFFICE,
    )


def test_a_post_without_the_csrf_token_is_refused(contributor):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("admin:login"),
        {"username": "contributor", "password": PASSWORD, "next": reverse("admin:index")},
        REMOTE_ADDR=OFFICE,
    )
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_signing_in_lands_on_the_back_office_index(contributor):
    client = Client(enforce_csrf_checks=True)

    response = sign_in(client, reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index") == "/admin/"
    assert client.session[SESSION_KEY] == str(contributor.pk)
    assert client.get(response["Location"], REMOTE_ADDR=OFFICE).status_code == 200


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "http:///evil.example/"],
    ids=["absolute", "scheme-relative", "backslash", "empty-host"],
)
def test_an_unsafe_next_never_sends_the_user_off_site(contributor, next_url):
    client = Client(enforce_csrf_checks=True)

    response = sign_in(client, next_url)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(contributor.pk)
    location = response["Location"]
    parts = urlsplit(location)
    assert not parts.scheme
    assert not parts.netloc
    assert location.startswith("/")
    assert not location.startswith(("//", "/\\"))
    assert "evil.example" not in location
    # Django ignores the unsafe `next` and falls back to LOGIN_REDIRECT_URL (the back office's index once the
    # settings say so).
    assert location == resolve_url(django_settings.LOGIN_REDIRECT_URL)
