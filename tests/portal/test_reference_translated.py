"""The reference record in three languages: every reference name or text a French or Spanish page shows is in that
language where a translation is recorded, English (marked lang="en") where none is, and the back office finds the
records still missing a translation."""

import html
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from core.translation import LANGUAGES, translated_field_names
from experts.models import Body, Meeting, MeetingOrganiser, MeetingTopic, Outcome
from measures.models import ElectoralGroup, Organisation, OrganisationMembership
from measures.models.parties import UnescoRegion
from tests.factories import make_organisation

TRANSLATED_MODELS = (Organisation, Body, Meeting, MeetingTopic, MeetingOrganiser, Outcome)


def visible_text(response):
    main = re.search(r"<main.*?</main>", response.text, re.S).group(0)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def english_reference_strings(language):
    """The English text of every reference value that has a translation into `language` differing from it, and
    the English labels of regions and electoral groups: none of them may show on a page in `language`."""
    strings = set()
    for model in TRANSLATED_MODELS:
        for record in model.objects.all():
            for base in translated_field_names(model):
                english, translated = getattr(record, f"{base}_en"), getattr(record, f"{base}_{language}")
                if translated and translated != english:
                    # Whole lines only: a long description is compared line by line.
                    strings.update(line.strip() for line in english.splitlines() if len(line.strip()) > 4)
    with translation.override("en"):
        strings.update(str(label) for label in UnescoRegion.labels)
        strings.update(str(label) for label in ElectoralGroup.labels)
    return strings


def public_pages():
    pages = [reverse("measures:party-detail", args=["can"]), reverse("measures:party-list")]
    pages += [reverse("experts:meeting-list"), reverse("experts:body-list"), reverse("measures:organisation-list")]
    pages += [meeting.get_absolute_url() for meeting in Meeting.objects.all()]
    pages += [body.get_absolute_url() for body in Body.objects.all()]
    pages += [outcome.get_absolute_url() for outcome in Outcome.objects.all()]
    pages += [organisation.get_absolute_url() for organisation in Organisation.objects.all()]
    return pages


@pytest.mark.parametrize("language", ["fr", "es"])
def test_french_and_spanish_pages_show_no_english_reference_string(client, reference_data, language):
    english = english_reference_strings(language)
    assert "Europe and North America" in english
    assert "Quebec City" in english
    assert "Group of Experts on the diversity of cultural expressions in the digital environment" in english
    pages = public_pages()
    assert len(pages) > 25
    for page in pages:
        response = client.get(f"/{language}{page}")
        assert response.status_code == 200, page
        text = visible_text(response)
        found = sorted(string for string in english if string in text)
        assert not found, f"/{language}{page} shows English reference text: {found}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["Région UNESCO", "Europe et Amérique du Nord", "Groupe I (Europe occidentale et Amérique du Nord)"]),
        ("es", ["Europa y América del Norte"]),
    ],
)
def test_the_party_page_names_its_region_in_the_page_language(client, reference_data, language, expected):
    text = visible_text(client.get(f"/{language}/parties/can/"))
    for string in expected:
        assert string in text


def test_the_meeting_reads_in_spanish(client, reference_data):
    text = visible_text(client.get("/es/meetings/group-of-experts-quebec-city-2024/"))
    assert "Primera reunión del Grupo de expertos" in text
    assert "Ciudad de Quebec" in text
    assert "Gobierno de Canadá (Ministerio de Patrimonio Canadiense)" in text
    assert "Descubribilidad de los contenidos nacionales y locales en las plataformas" in text
    assert "28–30 de mayo de 2024" in text


def test_the_coalition_reads_under_its_own_french_name_once_with_both_roles(client, reference_data):
    response = client.get("/fr/organizations/cdce/")
    text = visible_text(response)
    assert "Coalition pour la diversité des expressions culturelles (CDEC)" in text
    assert text.count("Fédération internationale des coalitions pour la diversité culturelle (FICDC)") == 1
    assert "Membre, Secrétariat" in text


def test_a_missing_translation_falls_back_to_english_marked_as_such(client, db):
    make_organisation(name="Lonely Coalition", slug="lonely", name_fr="", name_es="Coalición Solitaria")
    french = client.get("/fr/organizations/lonely/").text
    assert '<h1 lang="en">Lonely Coalition</h1>' in french
    spanish = client.get("/es/organizations/lonely/").text
    assert '<h1 lang="es">Coalición Solitaria</h1>' in spanish


def test_the_attribute_reads_the_active_language_and_assigning_sets_english(db):
    organisation = make_organisation(name="Arts Coalition", slug="arts")
    organisation.name_fr = "Coalition des arts"
    with translation.override("fr"):
        assert organisation.name == "Coalition des arts"
        assert organisation.name.lang == "fr"
    with translation.override("es"):
        assert (organisation.name, organisation.name.lang) == ("Arts Coalition", "en")
    organisation.name = "Coalition for the Arts"
    assert (organisation.name_en, organisation.name_fr) == ("Coalition for the Arts", "Coalition des arts")


def test_search_finds_a_record_by_its_name_in_any_language(client, reference_data):
    for query in ("Coalition pour la diversité des", "Coalition for the Diversity of"):
        response = client.get(reverse("measures:organisation-list"), {"q": query})
        assert [organisation.slug for organisation in response.context["organisations"]] == ["cdce"], query


class TestBackOffice:
    def test_the_filter_lists_the_records_missing_a_translation(self, admin_client_logged_in, reference_data):
        make_organisation(name="Untranslated Network", slug="untranslated")
        changelist = reverse("admin:measures_organisation_changelist")
        missing_french = admin_client_logged_in.get(changelist, {"missing_translation": "fr"})
        slugs = {organisation.slug for organisation in missing_french.context["cl"].result_list}
        assert "untranslated" in slugs
        assert "ifccd" not in slugs
        # CDCE has no Spanish name of its own: the Spanish filter lists it, the French one does not.
        assert "cdce" not in slugs
        missing_spanish = admin_client_logged_in.get(changelist, {"missing_translation": "es"})
        assert "cdce" in {organisation.slug for organisation in missing_spanish.context["cl"].result_list}
        assert "French translation missing" in missing_french.text

    def test_the_form_shows_the_three_languages_side_by_side(self, admin_client_logged_in, reference_data):
        meeting = Meeting.objects.get(slug="group-of-experts-quebec-city-2024")
        response = admin_client_logged_in.get(reverse("admin:experts_meeting_change", args=[meeting.pk]))
        row = re.search(r'<div class="form-row[^"]*field-title_en[^"]*">.*?</fieldset>', response.text, re.S)
        assert row, "title_en, title_fr and title_es share one row"
        assert all(f'name="title_{language}"' in row.group(0) for language in LANGUAGES)
        assert "Première réunion du Groupe d’experts" in response.text

    def test_a_translation_typed_in_the_back_office_shows_on_the_page(self, admin_client_logged_in, reference_data):
        body = Body.objects.get(slug="conference-of-parties")
        response = admin_client_logged_in.get(reverse("admin:experts_body_change", args=[body.pk]))
        form = response.context["adminform"].form
        data = {name: form[name].value() or "" for name in form.fields}
        data.update({"description_es": "Todas las Partes, reunidas cada dos años."})
        data.update({"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
        data["convened_by"] = ""
        saved = admin_client_logged_in.post(reverse("admin:experts_body_change", args=[body.pk]), data)
        assert saved.status_code == 302, saved.context["adminform"].form.errors
        assert (
            "Todas las Partes, reunidas cada dos años."
            in admin_client_logged_in.get(f"/es{body.get_absolute_url()}").text
        )


class TestMemberships:
    def test_a_pair_of_organisations_is_linked_once(self, reference_data):
        cdce, ifccd = Organisation.objects.get(slug="cdce"), Organisation.objects.get(slug="ifccd")
        assert OrganisationMembership.objects.filter(member=cdce, organisation=ifccd).count() == 1
        with pytest.raises(IntegrityError), transaction.atomic():
            OrganisationMembership.objects.create(
                member=cdce, organisation=ifccd, is_member=False, holds_secretariat=True
            )

    def test_a_link_holds_at_least_one_role(self, reference_data):
        cdce, quebec = Organisation.objects.get(slug="cdce"), Organisation.objects.get(slug="government-of-quebec")
        with pytest.raises(IntegrityError), transaction.atomic():
            OrganisationMembership.objects.create(member=cdce, organisation=quebec, is_member=False)


class TestRecommendations:
    def test_untitled_recommendations_make_one_line_and_their_follow_up_one_line(self, client, reference_data):
        response = client.get("/bodies/group-of-experts-digital-environment/")
        text = visible_text(response)
        assert "Recommendation 1: An additional protocol — Proposed" in text
        assert text.count("Recommendations 2–11 — Status: Adopted") == 1
        assert "Recommendation 5 —" not in text
        assert text.count("Followed up by:") == 1
        assert (
            "Adoption of recommendations 2 to 11 of the Group of Experts (18.IGC, adopted) — Recommendations 2–11"
            in text
        )
        # Each recommendation keeps its own page, named for screen readers.
        assert 'aria-label="Recommendation 5">5</a>' in response.text

    def test_in_french_the_punctuation_is_french(self, client, reference_data):
        text = visible_text(client.get("/fr/outcomes/group-of-experts-report-2024/"))
        assert "Recommandation 1 : Un protocole additionnel" in text
        assert "Recommandations 2–11 — Statut : Adoptée" in text
