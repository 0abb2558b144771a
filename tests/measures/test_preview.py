"""/measures/<id>/preview/: a measure's public page, in any status, for the people who may see it in the back
office; the same 404 as an unknown id for anyone else; never indexed, never cached."""

import html as html_lib
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from convention_portal import page_cache
from measures.models import Measure, Partner
from tests.support.workflow import World, client_for

pytestmark = pytest.mark.django_db

BANNER = re.compile(
    r'<div class="preview-banner" role="region" aria-labelledby="preview-banner-title">(.*?)</div>', re.S
)
ROBOTS_META = '<meta name="robots" content="noindex, nofollow">'


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def draft(world):
    return world.civil_society_measure(
        title="Fonds pour la musique émergente",
        main_features="Un fonds qui soutient <b>les jeunes</b> artistes.",
        language="fr",
        report_year=2024,
    )


def preview_url(measure_or_pk, prefix=""):
    pk = getattr(measure_or_pk, "pk", measure_or_pk)
    return f"{prefix}/measures/{pk}/preview/"


def text(html):
    """What a reader sees: tags removed, entities decoded, spaces collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def banner(html):
    match = BANNER.search(html)
    assert match is not None, "no preview banner"
    return text(match.group(1))


def not_found_page(response, pk):
    """A 404's body with its own address taken out (the language links repeat it)."""
    assert response.status_code == 404
    return response.content.decode().replace(f"/measures/{pk}/preview/", "/measures/ID/preview/")


def stored_page(url, language="en"):
    """What the page cache holds for a request of `url` by the test client."""
    with translation.override(language):
        return cache.get(page_cache._key(RequestFactory().get(url)))


def test_the_url_is_named_and_translated():
    assert reverse("measures:measure-preview", args=[12]) == "/measures/12/preview/"
    with translation.override("fr"):
        assert reverse("measures:measure-preview", args=[12]) == "/fr/measures/12/preview/"


class TestWhatTheEditorSees:
    def test_the_editor_previews_their_own_draft(self, world, draft):
        response = client_for(world.editor).get(preview_url(draft))

        assert response.status_code == 200
        html = response.content.decode()
        assert banner(html) == "Preview — not published Current status: Draft. Back to the measure in the back office"
        admin_url = reverse("admin:measures_measure_change", args=[draft.pk])
        assert f'<a href="{admin_url}">Back to the measure in the back office</a>' in html
        # At the top of the main content, before the breadcrumb and the record.
        main = html[html.index('<main id="main"') :]
        assert main.index('class="preview-banner"') < main.index('class="breadcrumb"') < main.index("<h1")
        head = html[: html.index("</head>")]
        assert ROBOTS_META in head
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Robots-Tag"] == "noindex, nofollow"

    def test_it_is_the_public_page_with_the_record_in_its_language(self, world, draft):
        html = client_for(world.editor).get(preview_url(draft)).content.decode()

        assert '<h1 lang="fr">Fonds pour la musique émergente</h1>' in html
        assert html.count("<h1") == 1
        assert (
            '<div class="prose" lang="fr"><p>Un fonds qui soutient &lt;b&gt;les jeunes&lt;/b&gt; artistes.</p></div>'
            in html
        )
        assert "Describe the main features of the measure/initiative" in html
        assert "This measure was reported by civil society." in html
        assert f'href="{world.org.get_absolute_url()}"' in html
        # The citation gives the address the page will have once published, not the preview's.
        assert f"Convention Monitoring Portal, http://testserver/measures/{draft.pk}/ (last updated" in text(html)

    @pytest.mark.parametrize("status", [Measure.Status.SUBMITTED, Measure.Status.RETURNED, Measure.Status.WITHDRAWN])
    def test_every_status_can_be_previewed(self, world, status):
        measure = world.civil_society_measure(status=status, title="Measure under way")
        html = client_for(world.editor).get(preview_url(measure)).content.decode()
        assert "Measure under way" in html
        assert banner(html).startswith(f"Preview — not published Current status: {measure.get_status_display()}.")

    def test_a_published_measure_shows_too_and_says_so(self, world):
        measure = world.civil_society_measure(status=Measure.Status.PUBLISHED, title="Already public")
        response = client_for(world.editor).get(preview_url(measure))
        assert response.status_code == 200
        assert banner(response.content.decode()).startswith(
            "Preview — this measure is published Current status: Published."
        )
        assert response["Cache-Control"] == "private, no-store"

    def test_the_public_page_of_the_draft_is_still_404_for_its_editor(self, world, draft):
        assert client_for(world.editor).get(f"/measures/{draft.pk}/").status_code == 404

    def test_query_count_is_bounded(self, world, draft, django_assert_max_num_queries):
        for position, name in enumerate(["Maison de la musique", "Réseau des salles"]):
            Partner.objects.create(measure=draft, name=name, entity_type="other", position=position)
        client = client_for(world.editor)
        # The public page's bound (10), plus the signed-in user: session, user, permissions (2), memberships.
        with django_assert_max_num_queries(16):
            assert client.get(preview_url(draft)).status_code == 200


class TestWhoMayPreview:
    def test_another_organisations_editor_gets_the_404_of_an_unknown_id(self, world, draft):
        client = client_for(world.other_editor)
        refused = client.get(preview_url(draft))
        unknown = client.get(preview_url(999999))
        assert not_found_page(refused, draft.pk) == not_found_page(unknown, 999999)
        assert "Fonds pour la musique" not in refused.content.decode()

    def test_anonymous_visitors_get_the_404_of_an_unknown_id_not_a_login_page(self, client, draft):
        refused = client.get(preview_url(draft))
        unknown = client.get(preview_url(999999))
        assert not refused.has_header("Location")
        assert not_found_page(refused, draft.pk) == not_found_page(unknown, 999999)
        assert "Fonds pour la musique" not in refused.content.decode()

    def test_a_reviewer_previews_any_measure(self, world, draft):
        client = client_for(world.reviewer)
        others = [
            draft,
            world.civil_society_measure(organisation=world.other_org, title="Other coalition's draft"),
            world.party_measure(party=world.other_party, status=Measure.Status.SUBMITTED, title="Away submission"),
        ]
        for measure in others:
            response = client.get(preview_url(measure))
            assert response.status_code == 200
            assert measure.title in html_lib.unescape(response.content.decode())

    def test_a_focal_point_previews_their_partys_measures_only(self, world, draft):
        client = client_for(world.focal_point)
        own = world.party_measure(title="Home Party draft")
        away = world.party_measure(party=world.other_party, title="Away Party draft")
        assert client.get(preview_url(own)).status_code == 200
        assert "Home Party draft" in client.get(preview_url(own)).content.decode()
        assert client.get(preview_url(away)).status_code == 404
        # Reported by civil society in their Party: the organisation's editors' measure, not theirs.
        assert client.get(preview_url(draft)).status_code == 404

    def test_an_editor_does_not_preview_a_party_measure(self, world):
        measure = world.party_measure(title="Home Party draft")
        assert client_for(world.editor).get(preview_url(measure)).status_code == 404

    def test_unknown_ids_are_404(self, world):
        client = client_for(world.reviewer)
        assert client.get(preview_url(999999)).status_code == 404
        assert client.get("/measures/abc/preview/").status_code == 404


class TestOtherLanguages:
    def test_french_preview(self, world, draft):
        response = client_for(world.editor).get(preview_url(draft, prefix="/fr"))

        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="fr">' in html
        assert ROBOTS_META in html
        assert "Décrivez les principales caractéristiques de la mesure/initiative" in html
        assert "Accueil" in html
        # The status as French readers know it; the banner's own sentences are translated later, if not yet.
        assert "Brouillon" in banner(html)
        assert '<h1 lang="fr">Fonds pour la musique émergente</h1>' in html
        assert f"http://testserver/fr/measures/{draft.pk}/ (" in text(html)

    def test_spanish_preview(self, world, draft):
        response = client_for(world.editor).get(preview_url(draft, prefix="/es"))
        assert response.status_code == 200
        assert '<html lang="es">' in response.content.decode()


class TestNeverCached:
    @pytest.mark.parametrize("prefix,language", [("", "en"), ("/fr", "fr")])
    def test_an_anonymous_request_after_a_signed_in_preview_is_still_404(self, world, draft, prefix, language):
        url = preview_url(draft, prefix)
        assert client_for(world.editor).get(url).status_code == 200
        assert stored_page(url, language) is None

        anonymous = Client()
        first = anonymous.get(url)
        second = anonymous.get(url)
        assert first.status_code == second.status_code == 404
        assert "Fonds pour la musique" not in second.content.decode()
        assert stored_page(url, language) is None

    def test_a_published_measures_preview_is_not_stored_either(self, world):
        measure = world.civil_society_measure(status=Measure.Status.PUBLISHED, title="Already public")
        url = preview_url(measure)
        assert client_for(world.editor).get(url).status_code == 200
        assert stored_page(url) is None
        assert Client().get(url).status_code == 404

    def test_the_page_cache_would_refuse_the_response_anyway(self, world, draft):
        response = client_for(world.editor).get(preview_url(draft))
        assert not page_cache._storable(response.wsgi_request, response)

    def test_the_public_page_is_still_cached_for_anonymous_visitors(self, world):
        measure = world.civil_society_measure(status=Measure.Status.PUBLISHED, title="Already public")
        assert client_for(world.editor).get(preview_url(measure)).status_code == 200

        anonymous = Client()
        first = anonymous.get(measure.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            second = anonymous.get(measure.get_absolute_url())
        assert first.status_code == second.status_code == 200
        assert [query for query in queries if "core_publicchange" not in query["sql"]] == []  # the generation only
        assert second.content == first.content
        html = first.content.decode()
        assert "preview-banner" not in html
        assert ROBOTS_META not in html
        assert not first.has_header("X-Robots-Tag")
        assert "no-store" not in first.get("Cache-Control", "")
        assert stored_page(measure.get_absolute_url()) is not None
