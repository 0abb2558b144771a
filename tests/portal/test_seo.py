"""What search engines and browsers read besides the page: the sitemap (published measures only), robots.txt, the
icons, each page's description, canonical address and languages, and the measures' Dataset (JSON-LD)."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.utils import translation

from core.sitemaps import MeasureSitemap
from core.templatetags.seo import MEASURES_DESCRIPTION, json_ld, summary
from measures.models import Measure, Party
from tests.factories import make_measure

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
LANGUAGES = {"en": "", "fr": "/fr", "es": "/es"}
UNPUBLISHED = [status for status in Measure.Status.values if status != Measure.Status.PUBLISHED]

# Page → (English address, the description's source text). The texts are msgids, so each language's description
# is whatever the catalogue gives for them.
HOME_TEXT = (
    "This portal gathers the policies and measures that Parties and civil society report on the implementation "
    "of the 2005 UNESCO Convention on the Diversity of Cultural Expressions. Everything published here can be "
    "browsed, searched, exported and followed."
)
DESCRIBED_PAGES = {
    "home": ("/", HOME_TEXT),
    "measures": ("/measures/", MEASURES_DESCRIPTION),
    "parties": (
        "/parties/",
        "The States and the regional economic integration organisation that have deposited an instrument of "
        "ratification, acceptance, approval or accession, with the measures they have published.",
    ),
    "map": (
        "/map/",
        "A world map of the Parties to the 2005 Convention on the Diversity of Cultural Expressions, coloured by "
        "their published measures or their periodic reports, with the same figures in a table.",
    ),
    "statistics": (
        "/stats/",
        "Figures on the published measures and on the Parties to the Convention. Each chart has its figures in a "
        "table; each row links to the records it counts.",
    ),
    "reports": (
        "/reports/",
        "Every four years each Party reports on the measures it has taken to protect and promote the diversity "
        "of cultural expressions (Article 9). This table shows, for one reporting cycle, what the portal records "
        "of each Party's quadrennial periodic report, and only that.",
    ),
    "organisations": (
        "/organizations/",
        "Civil-society organisations, coalitions, governments and public bodies that report measures or take "
        "part in implementing the Convention, with the networks they belong to.",
    ),
    "meetings": (
        "/meetings/",
        "Sessions of the Convention's governing bodies, meetings of its expert groups and the events around them: "
        "who met where, on what, and what came out of it.",
    ),
    "bodies": (
        "/bodies/",
        "The Convention is steered by its governing bodies and advised by expert groups. Each page gives the "
        "body's mandate, members, meetings and what it recommended or decided.",
    ),
}
# Already translated in the committed catalogues: their French description must be French.
TRANSLATED_PAGES = ["home", "parties", "statistics", "reports", "organisations", "meetings", "bodies"]


class HeadReader(HTMLParser):
    """The <head>'s meta descriptions, <link> elements and JSON-LD scripts."""

    def __init__(self):
        super().__init__()
        self.descriptions, self.links, self.json_ld = [], [], []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and attributes.get("name") == "description":
            self.descriptions.append(attributes.get("content", ""))
        elif tag == "link":
            self.links.append(attributes)
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data

    def alternates(self):
        return {
            link["hreflang"]: link["href"]
            for link in self.links
            if link.get("rel") == "alternate" and "hreflang" in link
        }

    def canonical(self):
        return [link["href"] for link in self.links if link.get("rel") == "canonical"]


def read_head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    reader = HeadReader()
    reader.feed(response.content.decode())
    return reader


def flatten(text):
    return " ".join(text.split())


# The sitemap


def sitemap_locations(client):
    """Every <loc> of every page of every section the index lists, and each URL's alternates."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert index["Content-Type"].startswith("application/xml")
    sections = [loc.text for loc in ElementTree.fromstring(index.content).findall("sm:sitemap/sm:loc", SITEMAP_NS)]
    assert sections
    urls = {}
    for section in sections:
        parts = urlsplit(section)
        response = client.get(parts.path, dict(p.split("=") for p in parts.query.split("&") if p))
        assert response.status_code == 200, section
        for url in ElementTree.fromstring(response.content).findall("sm:url", SITEMAP_NS):
            location = url.find("sm:loc", SITEMAP_NS).text
            assert location not in urls, f"{location} listed twice"
            urls[location] = {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", SITEMAP_NS)}
    return urls


@pytest.fixture
def canada(reference_data):
    return Party.objects.get(iso3="CAN")


@pytest.fixture
def unpublished(canada):
    return [make_measure(party=canada, title=f"Never announced ({status})", status=status) for status in UNPUBLISHED]


@pytest.fixture
def published(canada):
    return make_measure(party=canada, title="Announced everywhere", status=Measure.Status.PUBLISHED)


def measure_ids(urls):
    return {int(match[1]) for url in urls if (match := re.search(r"/measures/(\d+)/$", url))}


def test_the_sitemap_never_lists_an_unpublished_measure(client, unpublished, published):
    urls = sitemap_locations(client)
    listed = measure_ids(urls) | measure_ids(href for alternates in urls.values() for href in alternates.values())
    assert published.pk in listed
    assert not listed & {measure.pk for measure in unpublished}
    assert listed == set(Measure.objects.published().values_list("pk", flat=True))


def test_a_published_measure_is_listed_in_three_languages_each_naming_the_others(client, published):
    urls = sitemap_locations(client)
    path = published.get_absolute_url()
    expected = {code: f"http://testserver{prefix}{path}" for code, prefix in LANGUAGES.items()}
    for location in expected.values():
        assert urls[location] == {**expected, "x-default": expected["en"]}


def test_the_sitemap_lists_the_lists_parties_reports_meetings_bodies_and_organisations(client, reference_data):
    urls = sitemap_locations(client)
    for path in (
        "/",
        "/measures/",
        "/parties/",
        "/reports/",
        "/stats/",
        "/map/",
        "/meetings/",
        "/bodies/",
        "/organizations/",
        "/parties/can/",
        "/parties/can/reports/2020/",
        "/organizations/cdce/",
    ):
        for prefix in LANGUAGES.values():
            assert f"http://testserver{prefix}{path}" in urls
    assert any("/meetings/" in url and url.count("/") > 4 for url in urls)
    assert any("/bodies/" in url and url.count("/") > 4 for url in urls)
    # The first record of each section answers, in each language.
    firsts = {}
    for location in urls:
        path = urlsplit(location).path.removeprefix("/fr").removeprefix("/es")
        parts = path.strip("/").split("/")
        firsts.setdefault((parts[0], len(parts)), path)
    for path in firsts.values():
        for prefix in LANGUAGES.values():
            assert client.get(f"{prefix}{path}").status_code == 200, f"{prefix}{path}"


def test_the_measures_are_split_into_pages_the_index_lists(client, canada, unpublished, monkeypatch):
    for number in range(4):
        make_measure(party=canada, title=f"Paged {number}", status=Measure.Status.PUBLISHED)
    monkeypatch.setattr(MeasureSitemap, "limit", 4)  # 5 published measures × 3 languages: 4 pages
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-measures.xml?p=4" in index
    assert "/sitemap-measures.xml?p=5" not in index
    urls = sitemap_locations(client)
    measure_urls = [url for url in urls if re.search(r"/measures/\d+/$", url)]
    assert len(measure_urls) == 15
    assert measure_ids(measure_urls) == set(Measure.objects.published().values_list("pk", flat=True))


# robots.txt and the icons


def test_robots_txt_allows_the_site_and_the_api_keeps_out_of_the_back_office_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Allow: /" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert not any(line.startswith("Disallow: /api") for line in lines)


@override_settings(ADMIN_URL="back-office/")
def test_robots_txt_follows_the_admin_address_of_the_settings(client):
    assert "Disallow: /back-office/" in client.get("/robots.txt").content.decode().splitlines()


def test_favicon_ico_is_a_real_icon_cached_for_long(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert len(response.content) < 16_000
    assert "max-age=604800" in response["Cache-Control"]


def test_every_page_names_its_icons_which_exist(client, reference_data):
    links = read_head(client, "/").links
    icons = {link["rel"]: [] for link in links}
    for link in links:
        icons[link["rel"]].append(link["href"])
    assert "/favicon.ico" in icons["icon"]
    assert any(href.endswith("icons/favicon.svg") for href in icons["icon"])
    assert icons["apple-touch-icon"][0].endswith("icons/apple-touch-icon.png")
    for name in ("icons/favicon.svg", "icons/apple-touch-icon.png", "icons/favicon.ico"):
        assert finders.find(name), name


# Canonical addresses and languages


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_page_names_its_canonical_address_and_its_three_languages(client, reference_data, language):
    head = read_head(client, f"{LANGUAGES[language]}/parties/can/")
    assert head.canonical() == [f"http://testserver{LANGUAGES[language]}/parties/can/"]
    assert head.alternates() == {
        "en": "http://testserver/parties/can/",
        "fr": "http://testserver/fr/parties/can/",
        "es": "http://testserver/es/parties/can/",
        "x-default": "http://testserver/parties/can/",
    }


def test_the_canonical_address_keeps_the_filters_in_one_order(client, reference_data):
    head = read_head(client, "/fr/measures/?party=CAN&goal=2&goal=1")
    assert head.canonical() == ["http://testserver/fr/measures/?goal=2&goal=1&party=CAN"]
    assert head.alternates()["es"] == "http://testserver/es/measures/?goal=2&goal=1&party=CAN"


# Descriptions


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", DESCRIBED_PAGES)
def test_each_main_page_has_its_own_description_in_the_page_language(client, reference_data, page, language):
    path, text = DESCRIBED_PAGES[page]
    descriptions = read_head(client, f"{LANGUAGES[language]}{path}").descriptions
    with translation.override(language):
        expected = translation.gettext(text)
    assert [flatten(description) for description in descriptions] == [flatten(expected)]


@pytest.mark.parametrize("page", TRANSLATED_PAGES)
def test_descriptions_are_translated(client, reference_data, page):
    path, text = DESCRIBED_PAGES[page]
    english = read_head(client, path).descriptions
    french = read_head(client, f"/fr{path}").descriptions
    assert english[0] and french[0] and english != french


def test_a_party_is_described_by_its_name_in_the_page_language(client, reference_data):
    for language, prefix in LANGUAGES.items():
        (description,) = read_head(client, f"{prefix}/parties/fra/").descriptions
        with translation.override(language):
            name = str(Party.objects.get(iso3="FRA").name)
        assert description.startswith(name)


def test_a_measure_is_described_by_the_first_sentence_of_its_main_features(client, canada):
    measure = make_measure(
        party=canada,
        status=Measure.Status.PUBLISHED,
        main_features="A fund for\nindependent labels. It opened in 2019 & grew. " + "More words. " * 40,
    )
    path = measure.get_absolute_url()
    for prefix in LANGUAGES.values():
        (description,) = read_head(client, f"{prefix}{path}").descriptions
        assert description == "A fund for independent labels."


def test_a_measure_without_main_features_is_described_by_its_party(client, canada):
    measure = make_measure(party=canada, status=Measure.Status.PUBLISHED, main_features="")
    (description,) = read_head(client, measure.get_absolute_url()).descriptions
    assert "Canada" in description and "2005 Convention" in description


def test_pages_without_their_own_description_have_the_portal_s(client, reference_data):
    (description,) = read_head(client, "/demo-data/").descriptions
    assert flatten(description) == flatten(HOME_TEXT)


def test_summary_is_one_sentence_cut_at_a_word():
    assert summary("First one.  Second one.") == "First one."
    assert summary("") == ""
    long = summary("word " * 100)
    assert len(long) <= 160 and long.endswith("…")


# Structured data


def test_the_measures_list_describes_its_dataset_as_json_ld(client, reference_data):
    for language, prefix in LANGUAGES.items():
        (script,) = read_head(client, f"{prefix}/measures/").json_ld
        data = json.loads(script)
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "Dataset"
        with translation.override(language):
            assert data["name"] == translation.gettext("Policies and measures")
            assert data["description"] == translation.gettext(MEASURES_DESCRIPTION)
        assert data["url"] == f"http://testserver{prefix}/measures/"
        assert data["inLanguage"] == language
        downloads = {download["encodingFormat"]: download["contentUrl"] for download in data["distribution"]}
        assert downloads["text/csv"] == f"http://testserver{prefix}/measures/export.csv"
        assert downloads["application/json"] == "http://testserver/api/v1/measures/"


def test_json_ld_cannot_close_its_script_element():
    hostile = {"name": "</script><script>alert(1)</script><!-- & -->"}
    text = json_ld(hostile)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == hostile


def test_pages_are_compressed_for_browsers_that_ask(client, reference_data):
    response = client.get("/stats/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "Content-Encoding" not in client.get("/stats/")  # a client that does not ask gets plain HTML
