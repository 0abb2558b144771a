"""CSV export and Atom feed of the filtered measures."""

import csv
import io
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from measures import export
from measures.models import Measure, Partner
from tests.factories import make_measure
from tests.support.catalogue import build_catalogue
from tests.support.hostile_input import CORPUS

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def catalogue(db):
    return build_catalogue()


def csv_rows(response):
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def atom(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


class TestCsv:
    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"party": "can"},
            {"goal": ["2", "4"], "region": "Va"},
            {"domain": ["music", "design"]},
            {"year_from": "2017", "year_to": "2018"},
            {"q": "guanajuato"},
            {"reported_by": "civil_society", "report_year": ["2020", "2024"]},
            {"youth": "true", "party": "FRA"},
        ],
    )
    def test_rows_equal_the_list_count_for_the_same_parameters(self, client, catalogue, params):
        query = urlencode(params, doseq=True)
        listed = client.get(f"/measures/?{query}").context["paginator"].count
        rows = csv_rows(client.get(f"/measures/export.csv?{query}"))
        assert rows[0][:3] == ["id", "url", "title"]
        assert len(rows) - 1 == listed

    def test_is_utf8_streamed_and_downloadable(self, client, catalogue):
        response = client.get("/measures/export.csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="measures-')
        rows = csv_rows(response)
        titles = [row[2] for row in rows[1:]]
        assert "Égalité between women and men in publishing" in titles
        assert "Draft measure about Guanajuato" not in titles

    def test_several_values_are_joined_and_names_follow_the_language(self, client, catalogue):
        header, row = csv_rows(client.get("/measures/export.csv?party=FRA"))
        record = dict(zip(header, row, strict=True))
        assert record["domains"] == "Publishing; Design"
        assert record["goals"] == "4"
        assert record["party_iso3"] == "FRA"
        assert record["preferential_treatment"] == "yes"
        assert record["url"] == f"http://testserver/measures/{catalogue.measures['france_gender'].pk}/"
        header, row = csv_rows(client.get("/fr/measures/export.csv?party=FRA"))
        assert dict(zip(header, row, strict=True))["areas"] == "Gender equality (fr)"

    @pytest.mark.parametrize("formula", ["=1+1", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("x")'])
    def test_spreadsheet_formulas_are_neutralised(self, client, catalogue, formula):
        measure = make_measure(party=catalogue.parties["SEN"], status="published", title=formula)
        Partner.objects.create(measure=measure, name=formula, entity_type="other")
        header, *rows = csv_rows(client.get("/measures/export.csv?party=SEN&sort=title"))
        record = next(dict(zip(header, row, strict=True)) for row in rows if row[0] == str(measure.pk))
        assert record["title"] == f"'{formula}"
        assert record["partners"] == f"'{formula}"

    @pytest.mark.parametrize(
        "cells",
        [
            ["plain", "with, comma", 'with "quotes"', "line\nbreak", "carriage\rreturn", "crlf\r\n", ""],
            ['"', '""', ",", "\n", " leading space", "trailing space ", "'quote", "semi;colon", "tab\tinside"],
            [sample.text for sample in CORPUS],
        ],
    )
    def test_fields_are_quoted_exactly_as_csv_writer_quotes_them(self, cells):
        expected = io.StringIO()
        csv.writer(expected).writerow(cells)
        assert export.line([export.quoted(text) for text in cells]) == expected.getvalue()

    def test_neutralise_leaves_ordinary_values_alone(self):
        assert export.neutralise("Canada") == "Canada"
        assert export.neutralise(2020) == "2020"
        assert export.neutralise(None) == ""
        assert export.neutralise("a=b") == "a=b"

    def test_reads_in_chunks_with_prefetched_relations(self, client, catalogue, monkeypatch):
        monkeypatch.setattr(export, "CHUNK_SIZE", 2)
        header, *rows = csv_rows(client.get("/measures/export.csv?sort=title"))
        assert len(rows) == 6
        by_title = {row[2]: dict(zip(header, row, strict=True)) for row in rows}
        assert by_title["Artist residencies abroad"]["partners"] == "Fondo Nacional para la Cultura"
        assert by_title["Canada Music Fund"]["domains"] == "Music"

    def test_queries_do_not_grow_with_the_rows(self, client, catalogue):
        def export_queries():
            with CaptureQueriesContext(connection) as queries:
                rows = csv_rows(client.get("/measures/export.csv"))
            return len(rows), len(queries)

        rows_before, queries_before = export_queries()
        for number in range(30):
            measure = make_measure(party=catalogue.parties["SEN"], status="published", title=f"More {number}")
            measure.areas.set([catalogue.areas["artistic-freedom"]])
            Partner.objects.create(measure=measure, name=f"Partner {number}", entity_type="other")
        rows_after, queries_after = export_queries()
        assert rows_after == rows_before + 30
        assert queries_after == queries_before

    def test_nothing_is_read_before_the_rows_are_consumed(self, client, catalogue):
        response = client.get("/measures/export.csv")
        with CaptureQueriesContext(connection) as queries:
            first = next(iter(response.streaming_content))
        assert first.startswith("\ufeffid,url,title".encode())
        assert len(queries) == 0

    def test_bad_filters_are_a_400_with_the_reason(self, client, catalogue):
        response = client.get("/measures/export.csv?goal=abc")
        assert response.status_code == 400
        assert "Unknown goal: abc." in response.content.decode()


class TestFeed:
    def test_parses_as_atom_newest_published_first(self, client, catalogue):
        older = catalogue.measures["cdce"]
        Measure.objects.filter(pk=older.pk).update(published_at=timezone.now() - timezone.timedelta(days=30))
        feed = atom(client.get("/measures/feed/"))
        assert feed.tag == f"{ATOM}feed"
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == 6
        titles = [entry.findtext(f"{ATOM}title") for entry in entries]
        assert titles[0] == "Creative Europe programme"
        assert titles[-1] == "Support to other coalitions for diversity"
        first = entries[0]
        assert first.find(f"{ATOM}link").get("href").startswith("http://testserver/measures/")
        assert first.findtext(f"{ATOM}published")
        assert first.findtext(f"{ATOM}author/{ATOM}name") == "European Union"

    def test_takes_the_list_parameters(self, client, catalogue):
        feed = atom(client.get("/measures/feed/?area=artistic-freedom&region=Va"))
        titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
        assert titles == ["Protecting musicians' freedom of expression"]
        alternate = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
        assert alternate == "http://testserver/measures/?area=artistic-freedom&region=Va"
        entry = feed.find(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Société des musiciens"
        assert {category.get("term") for category in entry.findall(f"{ATOM}category")} == {
            "Senegal",
            "Artistic freedom",
        }

    def test_summary_is_escaped_text(self, client, catalogue):
        make_measure(party=catalogue.parties["SEN"], status="published", main_features="<script>x</script> plan")
        feed = atom(client.get("/measures/feed/?party=SEN"))
        summaries = [entry.findtext(f"{ATOM}summary") for entry in feed.findall(f"{ATOM}entry")]
        assert "&lt;script&gt;x&lt;/script&gt; plan" in summaries

    def test_french_feed(self, client, catalogue):
        feed = atom(client.get("/fr/measures/feed/?party=MEX"))
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
        assert "Mexique" in {category.get("term") for category in feed.iter(f"{ATOM}category")}

    def test_bad_filters_are_a_400(self, client, catalogue):
        response = client.get("/measures/feed/?party=ZZZ")
        assert response.status_code == 400
        assert "Unknown Party code: ZZZ." in response.content.decode()

    def test_list_page_links_to_its_feed_and_export(self, client, catalogue):
        html = client.get("/measures/?party=CAN&sort=title&page=1").content.decode()
        assert 'href="/measures/feed/?party=CAN"' in html
        assert 'href="/measures/export.csv?party=CAN&amp;sort=title"' in html
        assert 'type="application/atom+xml"' in html


class TestDownload:
    def test_the_csv_starts_with_a_byte_order_mark_for_spreadsheet_programs(self, client, catalogue):
        body = b"".join(client.get("/measures/export.csv").streaming_content)
        assert body.startswith(b"\xef\xbb\xbfid,url,title")
        assert body.count(b"\xef\xbb\xbf") == 1

    def test_the_file_name_says_what_it_holds_and_when(self, client, catalogue):
        from django.utils import timezone

        today = timezone.localdate().isoformat()
        response = client.get("/measures/export.csv")
        assert response["Content-Disposition"] == f'attachment; filename="measures-{today}.csv"'
        response = client.get("/measures/export.csv", {"goal": "1", "reported_by": "party"})
        name = response["Content-Disposition"]
        assert name.startswith(f'attachment; filename="measures-{today}-') and name.endswith('.csv"')
        assert (
            "goal-1" in name
            and "reported_by-party" in name.replace("-", "_").replace("reported_by_party", "reported_by-party")
            or "reported-by-party" in name
        )
        many = {"q": "a very long search phrase that would make the file name far too long to read", "goal": "1"}
        assert client.get("/measures/export.csv", many)["Content-Disposition"].endswith(
            f'measures-{today}-filtered.csv"'
        )


def test_file_names_are_built_from_the_filters_in_use():
    import datetime

    from core.downloads import filename

    day = datetime.date(2026, 12, 4)
    assert filename("measures", "csv", today=day) == "measures-2026-12-04.csv"
    assert (
        filename("measures", "csv", [("goal", 1), ("party", "CAN")], today=day)
        == "measures-2026-12-04-goal-1-party-can.csv"
    )
    assert filename("measures", "xlsx", [("q", "x" * 80)], today=day) == "measures-2026-12-04-filtered.xlsx"
    assert filename("measures", "csv", [("q", "Québec/../..")], today=day) == "measures-2026-12-04-q-quebec.csv"
