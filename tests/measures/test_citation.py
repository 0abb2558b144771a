"""A measure's citation: its line on the page, and the same reference in RIS and BibTeX (measures/citation.py), for
published measures only."""

import datetime
import html as html_lib
import re

import pytest
from django.utils import timezone

from measures import citation
from measures.models import Measure
from tests.factories.measures import make_measure, make_organisation, make_party

pytestmark = pytest.mark.django_db

PUBLISHED = timezone.make_aware(datetime.datetime(2025, 3, 4, 10, 30), datetime.UTC)


@pytest.fixture
def measure(db):
    party = make_party(name_en="Testland", iso3="TST")
    return make_measure(
        party=party,
        title="Support for  live music\n(2021–2024)",
        language="fr",
        status=Measure.Status.PUBLISHED,
        published_at=PUBLISHED,
    )


@pytest.fixture
def civil_society_measure(db):
    party = make_party(name_en="Testland", iso3="TST")
    organisation = make_organisation(name="Coalition des arts", slug="coalition-des-arts", country=party)
    return make_measure(
        party=party,
        title="Artists' mobility fund",
        reported_by=Measure.ReportedBy.CIVIL_SOCIETY,
        organisation=organisation,
        status=Measure.Status.PUBLISHED,
        published_at=PUBLISHED,
    )


def reference(measure, url="https://portal.example/measures/7/"):
    return citation.reference_for(measure, url)


class TestReference:
    def test_the_party_is_the_author_of_its_measure(self, measure):
        ref = reference(measure)
        assert ref.author == "Testland"
        assert ref.title == "Support for live music (2021–2024)"  # one line, single spaces
        assert ref.published == datetime.date(2025, 3, 4)
        assert ref.year == 2025
        assert ref.language == "fr"
        assert ref.site == "Convention Monitoring Portal"
        assert ref.key == f"measure-{measure.pk}"

    def test_the_organisation_is_the_author_of_a_civil_society_measure(self, civil_society_measure):
        assert reference(civil_society_measure).author == "Coalition des arts"

    def test_a_language_that_is_not_one_is_left_out(self, measure):
        measure.language = "other"
        ref = reference(measure)
        assert ref.language == ""
        assert "LA  -" not in citation.ris(ref)
        assert "language" not in citation.bibtex(ref)

    def test_an_unpublished_measure_cannot_be_cited(self, db):
        with pytest.raises(ValueError):
            reference(make_measure(status=Measure.Status.DRAFT))


class TestRis:
    def test_lines(self, measure):
        assert citation.ris(reference(measure)).split("\r\n") == [
            "TY  - ELEC",
            "TI  - Support for live music (2021–2024)",
            "AU  - Testland",
            "PY  - 2025",
            "DA  - 2025/03/04",
            "T2  - Convention Monitoring Portal",
            "PB  - Convention Monitoring Portal",
            "LA  - fr",
            "UR  - https://portal.example/measures/7/",
            "ER  - ",
            "",
        ]


class TestBibtex:
    def test_entry(self, measure):
        assert citation.bibtex(reference(measure)).splitlines() == [
            f"@misc{{measure-{measure.pk},",
            "  author = {{Testland}},",
            "  title = {{Support for live music (2021–2024)}},",
            "  howpublished = {Convention Monitoring Portal},",
            "  publisher = {Convention Monitoring Portal},",
            "  year = {2025},",
            "  month = mar,",
            "  date = {2025-03-04},",
            "  url = {https://portal.example/measures/7/},",
            "  language = {fr}",
            "}",
        ]

    def test_special_characters_are_escaped(self):
        assert citation.bibtex_escape(r"R&D {50%} costs_$ #1 ~x^2 \o") == (
            r"R\&D \{50\%\} costs\_\$ \#1 \textasciitilde{}x\textasciicircum{}2 \textbackslash{}o"
        )

    def test_escaped_in_the_entry_and_accents_kept(self, measure):
        measure.title = "Culture & {numérique} à 100%"
        measure.party.name_en = "Côte d'Ivoire_#"
        entry = citation.bibtex(reference(measure))
        assert r"  title = {{Culture \& \{numérique\} à 100\%}}," in entry
        assert r"  author = {{Côte d'Ivoire\_\#}}," in entry
        # Every brace left unescaped is one of the entry's own, and they balance.
        unescaped = re.sub(r"\\[{}]", "", entry)
        assert unescaped.count("{") == unescaped.count("}")


class TestDownloads:
    def test_ris_download(self, client, measure):
        response = client.get(f"/measures/{measure.pk}/cite.ris")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="measure-{measure.pk}.ris"'
        body = response.content.decode("utf-8")
        assert f"UR  - http://testserver/measures/{measure.pk}/\r\n" in body
        assert "TI  - Support for live music (2021–2024)\r\n" in body
        assert body.startswith("TY  - ELEC\r\n")

    def test_bibtex_download(self, client, civil_society_measure):
        pk = civil_society_measure.pk
        response = client.get(f"/measures/{pk}/cite.bib")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="measure-{pk}.bib"'
        body = response.content.decode("utf-8")
        assert body.startswith(f"@misc{{measure-{pk},\n")
        assert "  author = {{Coalition des arts}},\n" in body
        assert f"  url = {{http://testserver/measures/{pk}/}},\n" in body

    def test_in_french_the_portal_is_named_in_french_and_the_address_stays_the_same(self, client, measure):
        body = client.get(f"/fr/measures/{measure.pk}/cite.bib").content.decode("utf-8")
        assert f"  url = {{http://testserver/measures/{measure.pk}/}},\n" in body
        assert "  howpublished = {Portail de suivi de la Convention},\n" in body

    @pytest.mark.parametrize("status", [Measure.Status.DRAFT, Measure.Status.SUBMITTED, Measure.Status.WITHDRAWN])
    @pytest.mark.parametrize("extension", ["ris", "bib"])
    def test_an_unpublished_measure_is_404(self, client, status, extension):
        draft = make_measure(title="A secret draft", status=status)
        response = client.get(f"/measures/{draft.pk}/cite.{extension}")
        assert response.status_code == 404
        assert b"A secret draft" not in response.content

    @pytest.mark.parametrize("extension", ["ris", "bib"])
    def test_an_unknown_measure_is_404(self, client, db, extension):
        assert client.get(f"/measures/999999/cite.{extension}").status_code == 404
        assert client.get(f"/measures/abc/cite.{extension}").status_code == 404

    def test_the_real_cdce_measure(self, client, reference_data):
        measure = Measure.objects.get(is_synthetic=False, organisation__slug="cdce")
        body = client.get(f"/measures/{measure.pk}/cite.ris").content.decode("utf-8")
        assert "AU  - Coalition for the Diversity of Cultural Expressions\r\n" in body
        assert "LA  - en\r\n" in body
        assert f"PY  - {timezone.localtime(measure.published_at).year}\r\n" in body


def text(html):
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", html)).split())


class TestOnThePage:
    def test_the_citation_line_and_the_downloads(self, client, measure):
        html = client.get(f"/measures/{measure.pk}/").content.decode()
        assert "How to cite this record" in html
        assert "Testland. “Support for live music (2021–2024)”." in text(html)
        assert f'href="/measures/{measure.pk}/cite.ris"' in html
        assert f'href="/measures/{measure.pk}/cite.bib"' in html

    def test_the_downloads_in_french(self, client, measure):
        html = client.get(f"/fr/measures/{measure.pk}/").content.decode()
        assert f'href="/fr/measures/{measure.pk}/cite.ris"' in html

    def test_a_preview_of_a_draft_offers_no_download(self, client, superuser):
        draft = make_measure(title="A draft", status=Measure.Status.DRAFT)
        client.force_login(superuser)
        html = client.get(f"/measures/{draft.pk}/preview/").content.decode()
        assert "How to cite this record" in html
        assert "cite.ris" not in html
        assert "cite.bib" not in html
