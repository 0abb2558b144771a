"""Organisations: the list (/organizations/) and an organisation's page (/organizations/<slug>/)."""

import pytest
from django.urls import reverse

from measures.models import Measure, Organisation, OrganisationMembership
from tests.factories import make_measure, make_organisation, make_party

pytestmark = pytest.mark.django_db


PUBLISHED = Measure.Status.PUBLISHED


@pytest.fixture
def organisations():
    alpha = make_party(name_en="Alphaland", name_fr="Alphalande", iso3="AAA")
    beta = make_party(name_en="Betaland", name_fr="Bétalande", iso3="BBB")
    coalition = make_organisation(
        name="Arts Coalition", acronym="AC", slug="arts-coalition", kind=Organisation.Kind.COALITION, country=alpha
    )
    federation = make_organisation(
        name="World Federation of Coalitions", acronym="WFC", slug="wfc", kind=Organisation.Kind.FEDERATION
    )
    ministry = make_organisation(
        name="Ministry of Culture", slug="ministry", kind=Organisation.Kind.GOVERNMENT, country=beta
    )
    OrganisationMembership.objects.create(
        member=coalition, organisation=federation, is_member=True, holds_secretariat=True
    )
    for _ in range(2):
        make_measure(
            party=alpha, reported_by=Measure.ReportedBy.CIVIL_SOCIETY, organisation=coalition, status=PUBLISHED
        )
    make_measure(party=beta, reported_by=Measure.ReportedBy.CIVIL_SOCIETY, organisation=coalition, status="draft")
    make_measure(party=beta, organisation=ministry, status=PUBLISHED)
    return {"coalition": coalition, "federation": federation, "ministry": ministry}


def listed(client, **params):
    response = client.get(reverse("measures:organisation-list"), params)
    assert response.status_code == 200
    return response, [organisation.slug for organisation in response.context["organisations"]]


class TestOrganisationList:
    def test_all_by_name_with_published_measure_counts(self, client, organisations):
        response, slugs = listed(client)
        assert slugs == ["arts-coalition", "ministry", "wfc"]
        assert [organisation.measure_count for organisation in response.context["organisations"]] == [2, 1, 0]
        html = response.content.decode()
        assert "3 organisations" in html
        assert 'href="/organizations/arts-coalition/"' in html
        assert 'href="/parties/aaa/"' in html

    @pytest.mark.parametrize(
        ("q", "expected"),
        [("coalition", ["arts-coalition", "wfc"]), ("WFC", ["wfc"]), ("ministry", ["ministry"]), ("zzz", [])],
    )
    def test_q_matches_name_or_acronym(self, client, organisations, q, expected):
        assert listed(client, q=q)[1] == expected

    def test_kind_alone_and_repeated(self, client, organisations):
        assert listed(client, kind="coalition")[1] == ["arts-coalition"]
        assert listed(client, kind=["coalition", "government"])[1] == ["arts-coalition", "ministry"]

    @pytest.mark.parametrize("code", ["aaa", "AAA", "Aaa"])
    def test_country_by_iso_code_in_any_case(self, client, organisations, code):
        assert listed(client, country=code)[1] == ["arts-coalition"]

    def test_filters_combine(self, client, organisations):
        assert listed(client, q="coalition", kind=["coalition", "federation"], country="aaa")[1] == ["arts-coalition"]
        assert listed(client, kind="federation", country="aaa")[1] == []

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("-name", ["wfc", "ministry", "arts-coalition"]),
            ("kind", ["arts-coalition", "wfc", "ministry"]),
            ("-measures", ["arts-coalition", "ministry", "wfc"]),
            ("country", ["arts-coalition", "ministry", "wfc"]),
        ],
    )
    def test_sorting(self, client, organisations, sort, expected):
        assert listed(client, sort=sort)[1] == expected

    @pytest.mark.parametrize(
        "params", [{"kind": "empire"}, {"country": "zzz"}, {"sort": "bogus"}, {"q": "x" * 300}, {"country": "\x00"}]
    )
    def test_bad_values_give_a_message(self, client, organisations, params):
        response, slugs = listed(client, **params)
        assert 'class="dir-error"' in response.content.decode()
        assert len(slugs) == 3

    def test_empty_state(self, client, organisations):
        html = listed(client, q="nothing like it")[0].content.decode()
        assert "No organisation matches these filters." in html

    def test_page_out_of_range(self, client, organisations):
        assert client.get(reverse("measures:organisation-list"), {"page": 99999}).status_code == 404

    def test_query_count(self, client, django_assert_max_num_queries):
        party = make_party()
        for _number in range(60):
            organisation = make_organisation(country=party)
            make_measure(party=party, reported_by="civil_society", organisation=organisation, status=PUBLISHED)
        with django_assert_max_num_queries(10):
            response = client.get(reverse("measures:organisation-list"), {"sort": "country", "page": 2})
        assert response.status_code == 200
        assert len(response.context["organisations"]) == 10

    def test_french_country_names(self, client, organisations):
        html = client.get("/fr/organizations/").content.decode()
        assert '<html lang="fr">' in html
        assert "Alphalande" in html


class TestOrganisationDetail:
    def test_memberships_in_both_directions(self, client, organisations):
        html = client.get("/organizations/arts-coalition/").content.decode()
        assert '<h1 lang="en">Arts Coalition (AC)</h1>' in html
        # A member that also runs the secretariat is named once, with both roles.
        assert "World Federation of Coalitions (WFC)</a> — Member, Secretariat" in html
        assert html.count("World Federation of Coalitions (WFC)</a>") == 1
        html = client.get("/organizations/wfc/").content.decode()
        assert "Arts Coalition (AC)</a> — Member, Secretariat" in html
        assert html.count("Arts Coalition (AC)</a>") == 1
        assert "No membership is recorded." in html

    def test_published_measures_only(self, client, organisations):
        response = client.get("/organizations/arts-coalition/")
        assert response.context["measure_count"] == 2
        assert "2 published measures reported by this organisation." in response.content.decode()

    def test_unknown_slug_is_not_found(self, client, organisations):
        assert client.get("/organizations/nobody/").status_code == 404

    def test_cdce_from_the_reference_data(self, client, reference_data, django_assert_max_num_queries):
        with django_assert_max_num_queries(10):
            response = client.get("/organizations/cdce/")
        html = response.content.decode()
        assert "Coalition for the Diversity of Cultural Expressions (CDCE)" in html
        assert "International Federation of Coalitions for Cultural Diversity (IFCCD)" in html
        assert "Provided support to other coalitions" in html
        assert 'href="/parties/can/"' in html


@pytest.mark.parametrize("url", ["/organizations/", "/organizations/?sort=country", "/parties/", "/reports/"])
def test_directory_pages_answer_on_an_empty_database(client, url):
    """Before any reference data is loaded: empty lists, never an error (on PostgreSQL a sort on the
    Parties' names once became ORDER BY 0)."""
    response = client.get(url)
    assert response.status_code == 200
