"""/measures/<id>/: every field with the reporting form's labels; only published measures."""

import html as html_lib
import re
from decimal import Decimal

import pytest
from django.utils.formats import date_format

from measures.models import Measure, Partner
from tests.support.catalogue import build_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    return build_catalogue()


@pytest.fixture
def full_measure(catalogue):
    measure = catalogue.measures["france_gender"]
    measure.results = "Forty publishing houses signed the charter."
    measure.financial_resources = "EUR 2,8 million"
    measure.financial_resources_usd = Decimal("3100000.00")
    measure.evaluated = Measure.Evaluated.YES
    measure.evaluation_findings = "The evaluation found <b>progress</b>."
    measure.source_url = "https://example.org/report"
    measure.language = "fr"
    measure.save()
    Partner.objects.create(measure=measure, name="Syndicat national de l'édition", entity_type="private", position=1)
    Partner.objects.create(measure=measure, name="Ministère de la Culture", entity_type="public", position=0)
    return measure


def text(html):
    """What a reader sees: tags removed, entities decoded, spaces collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", html)).split())


def page(client, measure, prefix=""):
    response = client.get(f"{prefix}/measures/{measure.pk}/")
    assert response.status_code == 200
    return response.content.decode()


class TestMeasurePage:
    def test_every_field_with_the_reporting_form_labels(self, client, full_measure):
        html = text(page(client, full_measure))
        for label in (
            "Describe the main features of the measure/initiative",
            "What are the results achieved so far through the implementation of the measure/initiative?",
            "Financial resources allocated",
            "Partner(s) engaged",
            "Has the implementation been evaluated?",
        ):
            assert label in html
        for value in (
            "Égalité between women and men in publishing",
            "A plan for equality in publishing houses.",
            "Forty publishing houses signed the charter.",
            "EUR 2,8 million",
            "3,100,000.00",
            "Ministère de la Culture — Public sector",
            "Syndicat national de l'édition — Private sector",
            "The evaluation found <b>progress</b>.",
            "France",
            "2018–2021",
            "2020",
            "Gender equality",
            "Publishing",
            "Preferential treatment",
        ):
            assert value in html
        assert html.index("Ministère de la Culture") < html.index("Syndicat national")
        assert "This measure was reported by civil society." not in html

    def test_record_text_is_escaped_and_marked_with_its_language(self, client, full_measure):
        html = page(client, full_measure)
        assert "The evaluation found &lt;b&gt;progress&lt;/b&gt;." in html
        assert '<h1 lang="fr">' in html
        assert html.count("<h1") == 1
        assert '<div class="prose" lang="fr">' in html

    def test_goals_areas_and_domains_link_to_the_filtered_list(self, client, catalogue, full_measure):
        html = page(client, full_measure)
        assert 'href="/measures/?goal=4"' in html
        assert 'href="/measures/?area=gender-equality"' in html
        assert 'href="/measures/?domain=publishing"' in html
        assert 'href="/measures/?domain=design"' in html
        assert 'href="/measures/?preferential=true"' in html
        assert 'href="/measures/?report_year=2020"' in html
        assert 'href="/measures/?party=FRA"' in html

    def test_source_citation_and_last_update(self, client, full_measure):
        html = page(client, full_measure)
        assert '<a href="https://example.org/report" rel="external noopener">example.org</a>' in html
        updated = date_format(full_measure.updated_at, "DATE_FORMAT")  # "5 December 2026", as every date for people
        assert (
            f"France. “Égalité between women and men in publishing”. Reported in the 2020 periodic report. "
            f"Convention Monitoring Portal, http://testserver/measures/{full_measure.pk}/ (last updated {updated})."
        ) in text(html)
        assert "Last update" in html

    def test_civil_society_line_and_organisation(self, client, catalogue):
        measure = catalogue.measures["cdce"]
        html = page(client, measure)
        assert "This measure was reported by civil society." in html
        assert f'href="{measure.organisation.get_absolute_url()}"' in html
        assert "Reported by Coalition for the Diversity of Cultural Expressions in the 2020 periodic report." in text(
            html
        )

    def test_missing_values_say_so_without_inventing_anything(self, client, catalogue):
        html = page(client, catalogue.measures["eu_no_period"])
        assert "Not given" in html
        assert "None given" in html

    def test_french_page(self, client, full_measure):
        html = page(client, full_measure, prefix="/fr")
        assert '<html lang="fr">' in html
        assert "Gender equality (fr)" in html
        assert 'href="/fr/measures/?goal=4"' in html

    def test_query_count_is_bounded(self, client, full_measure, django_assert_max_num_queries):
        with django_assert_max_num_queries(11):
            page(client, full_measure)

    @pytest.mark.parametrize("key", ["draft", "withdrawn"])
    def test_unpublished_measures_are_404(self, client, catalogue, key):
        assert client.get(f"/measures/{catalogue.measures[key].pk}/").status_code == 404

    def test_unknown_measures_are_404(self, client, catalogue):
        assert client.get("/measures/999999/").status_code == 404
        assert client.get("/measures/abc/").status_code == 404


class TestTheRealMeasure:
    def test_the_cdce_measure_names_its_source_in_each_language(self, client, reference_data):
        measure = Measure.objects.get(is_synthetic=False, organisation__slug="cdce")
        url = "https://es.unesco.org/creativity/policy-monitoring-platform/provided-support-other-coalitions"
        assert measure.source_url == url
        for prefix, name in [
            ("", "Policy Monitoring Platform (UNESCO)"),
            ("/fr", "Plateforme de suivi des politiques (UNESCO)"),
            ("/es", "Plataforma de seguimiento de políticas (UNESCO)"),
        ]:
            html = page(client, measure, prefix)
            assert f'<a href="{url}" rel="external noopener">{name}</a>' in html
            assert "Not given" not in text(html).split("About this record")[-1]

    def test_an_unknown_source_is_named_by_its_host(self, client, full_measure):
        assert '<a href="https://example.org/report" rel="external noopener">example.org</a>' in page(
            client, full_measure
        )
