"""The back office speaks the person's language: their account's choice, else their browser's."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.workflow import World, client_for

pytestmark = pytest.mark.django_db

ADMIN = reverse("admin:index")


@pytest.fixture
def world(db):
    return World()


def test_before_sign_in_the_browser_s_language_is_used(db):
    page = Client(HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9,en;q=0.5").get(reverse("admin:login"))
    assert page.status_code == 200
    assert '<html lang="fr"' in page.text
    assert "Nom d’utilisateur" in page.text or "Nom d'utilisateur" in page.text
    assert page["Content-Language"] == "fr"
    assert "Accept-Language" in page["Vary"]
    page = Client(HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").get(reverse("admin:login"))
    assert '<html lang="es"' in page.text and "Nombre de usuario" in page.text


def test_the_account_s_language_wins_over_the_browser_s(world):
    world.editor.language = "es"
    world.editor.save()
    client = client_for(world.editor)
    page = client.get(ADMIN, HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert '<html lang="es"' in page.text
    world.editor.language = ""
    world.editor.save()
    page = client.get(ADMIN, HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert '<html lang="fr"' in page.text


def test_our_own_strings_are_translated_in_the_back_office(world):
    world.reviewer.language = "fr"
    world.reviewer.save()
    page = client_for(world.reviewer).get(reverse("admin:measures_measure_import"))
    assert "<h1>Importer des mesures</h1>" in page.text


def test_the_public_site_keeps_the_language_of_its_address(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="en"' in client.get("/").text
    assert '<html lang="fr"' in client.get("/fr/").text


def test_signing_in_without_next_lands_on_the_back_office_home(world):
    from tests.support.workflow import PASSWORD

    world.editor.set_password(PASSWORD)
    world.editor.save()
    client = Client()
    response = client.post(reverse("admin:login"), {"username": "editor", "password": PASSWORD})
    # The admin's login page sends to its index by itself; Django's own login view uses LOGIN_REDIRECT_URL.
    assert response.status_code == 302 and response["Location"] == ADMIN
    from django.conf import settings
    from django.shortcuts import resolve_url

    assert resolve_url(settings.LOGIN_REDIRECT_URL) == ADMIN


def test_a_person_chooses_their_language_on_the_language_page(world):
    from tests.support.workflow import csrf_token

    client = client_for(world.editor)
    url = reverse("back-office-language")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert f'href="{url}"' in page.text  # in the links at the top of every back-office page
    response = client.post(url, {"language": "fr", "csrfmiddlewaretoken": csrf_token(client, page)})
    assert response.status_code == 302 and response["Location"] == ADMIN
    world.editor.refresh_from_db()
    assert world.editor.language == "fr"
    assert "Votre langue est enregistrée." in client.get(ADMIN, HTTP_ACCEPT_LANGUAGE="en").text
    response = client.post(url, {"language": "klingon", "csrfmiddlewaretoken": csrf_token(client, page)})
    assert response.status_code == 200 and "klingon" in response.text
    world.editor.refresh_from_db()
    assert world.editor.language == "fr"
    assert Client().get(url).status_code == 302  # anonymous: to the sign-in page
