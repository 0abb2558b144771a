"""Synthetic example data (generate_demo_data) can never be mistaken for the record: a banner on every page while
it exists, badges on its records, a prefix on its titles and names, a column and a field in the exports, and a
filter that leaves it out everywhere the measures filters apply."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client

from measures.context_processors import DemoData
from measures.management.commands.generate_demo_data import TITLE_PREFIX
from measures.models import Measure, Organisation

BANNER = 'class="demo-banner"'
PAGES = ["/", "/measures/", "/parties/", "/organizations/", "/stats/", "/reports/", "/demo-data/"]
LANGUAGES = {"en": "", "fr": "/fr", "es": "/es"}


def generate(**options):
    call_command("generate_demo_data", stdout=io.StringIO(), **options)


@pytest.fixture
def demo(reference_data):
    """The reference data (one real published measure) and 120 synthetic measures, some of them published."""
    generate(measures=120, seed=4)
    return Measure.objects.published().filter(is_synthetic=True)


def real_published():
    return Measure.objects.published().filter(is_synthetic=False)


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def banner_sentence(count):
    return f"This copy of the portal holds {count:,} synthetic example measures, invented for demonstration"


# --- The banner ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_banner_shows_exactly_while_synthetic_measures_exist(client, reference_data, language):
    prefix = LANGUAGES[language]
    link = f'href="{prefix}/demo-data/"'
    for path in PAGES:
        html = client.get(prefix + path).text
        assert BANNER not in html, path
        assert link not in html or path == "/demo-data/", path

    generate(measures=60, seed=2)
    published = Measure.objects.published().filter(is_synthetic=True).count()
    assert published
    for path in PAGES:
        response = client.get(prefix + path)
        assert response.status_code == 200, path
        html = response.text
        assert f'<html lang="{language}">' in html
        assert html.count(BANNER) == 1, path
        main = html.split('<main id="main"', 1)[1]
        assert main.index(BANNER) < main.index("<h1"), path  # at the top of the page's content
        banner = main.split(BANNER, 1)[1].split("</div>", 1)[0]
        assert link in banner, path
        if language == "en":
            assert banner_sentence(published) in banner
            assert "they are not reported by anyone" in banner

    generate(clear=True)
    for path in PAGES:
        assert BANNER not in client.get(prefix + path).text, path


def test_the_banner_costs_one_query_then_none(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):
        first = client.get("/parties/")
    assert BANNER in first.text
    # Another page: its own queries, but the banner's count comes from the cache.
    with django_assert_max_num_queries(11):
        html = client.get("/organizations/").text
    assert banner_sentence(demo.count()) in html
    expected = demo.count()
    with django_assert_max_num_queries(1):  # the page cache's generation, which names the cached count
        assert DemoData().measure_count == expected


def test_the_banner_never_queries_for_the_503_page(demo, django_assert_num_queries):
    try:
        raise OperationalError("the database is restarting")
    except OperationalError:
        with django_assert_num_queries(0):
            assert DemoData().measure_count == 0


@pytest.mark.django_db(transaction=True)
def test_the_503_page_shows_no_banner(reference_data, request):
    generate(measures=20, seed=5)
    request.getfixturevalue("unreachable_database")
    response = Client(raise_request_exception=False).get("/measures/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "The portal cannot reach its database right now." in html
    assert BANNER not in html


def test_the_explanation_page(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/demo-data/")
    html = response.text
    assert "<h1>Synthetic example data</h1>" in html
    assert "python manage.py generate_demo_data --clear" in html
    assert "make run DEMO=0" in html
    assert "<code>python manage.py generate_demo_data</code>" in html
    assert 'href="/measures/?synthetic=exclude"' in html
    assert f"{demo.count():,} published measures are synthetic examples." in html
    assert client.get("/fr/demo-data/").status_code == 200
    assert client.get("/es/demo-data/").status_code == 200


# --- The records themselves ----------------------------------------------------------------------------------


def test_titles_and_names_carry_the_prefix_within_their_lengths(demo):
    synthetic = Measure.objects.filter(is_synthetic=True)
    assert synthetic.count() == 120
    assert all(title.startswith("Synthetic example: ") for title in synthetic.values_list("title", flat=True))
    organisations = Organisation.objects.filter(is_synthetic=True)
    assert organisations.exists()
    assert all(name.startswith(TITLE_PREFIX) for name in organisations.values_list("name_en", flat=True))
    longest = max(len(title) for title in synthetic.values_list("title", flat=True))
    assert longest <= Measure._meta.get_field("title").max_length
    assert not real_published().filter(title__startswith=TITLE_PREFIX).exists()


def test_unless_present_keeps_the_sample_and_clear_removes_all_of_it(reference_data):
    generate(measures=30, seed=1, unless_present=True)
    first = list(Measure.objects.filter(is_synthetic=True).order_by("pk").values_list("pk", "title"))
    assert len(first) == 30
    out = io.StringIO()
    call_command("generate_demo_data", measures=50, seed=1, unless_present=True, stdout=out)
    assert "none created" in out.getvalue()
    assert list(Measure.objects.filter(is_synthetic=True).order_by("pk").values_list("pk", "title")) == first

    real = list(Measure.objects.filter(is_synthetic=False).values_list("pk", flat=True))
    generate(clear=True)
    assert not Measure.objects.filter(is_synthetic=True).exists()
    assert not Organisation.objects.filter(is_synthetic=True).exists()
    assert list(Measure.objects.values_list("pk", flat=True)) == real
    # With nothing left, --unless-present generates again.
    generate(measures=10, seed=1, unless_present=True)
    assert Measure.objects.filter(is_synthetic=True).count() == 10


def test_badges_on_lists_and_notices_on_pages(client, demo, django_assert_max_num_queries):
    real = real_published().get()
    with django_assert_max_num_queries(11):
        listed = client.get("/measures/?sort=title").text
    assert 'class="tag tag--synthetic">Synthetic example</span>' in listed
    results = listed.split('class="results-list"', 1)[1]
    items = results.split('<li class="result">')[1:]
    assert len(items) == 20
    for item in items:
        assert ("tag--synthetic" in item) == ("Synthetic example: " in item)

    # The real measure: no badge, no notice.
    real_item = client.get("/measures/?synthetic=exclude").text.split('<li class="result">')[1]
    assert real.title[:30] in real_item and "tag--synthetic" not in real_item
    real_page = client.get(real.get_absolute_url()).text
    assert "synthetic-notice" not in real_page

    synthetic = demo.order_by("pk").first()
    with django_assert_max_num_queries(11):
        page = client.get(synthetic.get_absolute_url()).text
    header = page.split('<header class="record__header">', 1)[1].split("</header>", 1)[0]
    assert header.index("synthetic-notice") < header.index("<h1")
    assert "This measure was invented for demonstration" in header
    assert 'href="/demo-data/"' in header

    home = client.get("/").text.split('id="latest-heading"', 1)[1].split("</section>", 1)[0]
    assert "tag--synthetic" in home

    party = synthetic.party
    party_page = client.get(party.get_absolute_url()).text
    latest = party_page.split('id="latest-measures-heading"', 1)[1].split("</section>", 1)[0]
    assert "tag--synthetic" in latest


def test_badges_on_synthetic_organisations(client, demo):
    organisation = Organisation.objects.filter(is_synthetic=True, measures__status="published").first()
    page = client.get(organisation.get_absolute_url()).text
    assert "synthetic-notice" in page
    assert "This organisation was invented for demonstration" in page
    measures = page.split('id="measures-heading"', 1)[1]
    assert "tag--synthetic" in measures
    listed = client.get("/organizations/", {"q": organisation.name}).text
    row = listed.split(f'href="{organisation.get_absolute_url()}"', 1)[1].split("</th>", 1)[0]
    assert "tag--synthetic" in row
    cdce = client.get("/organizations/cdce/").text
    assert "synthetic-notice" not in cdce


# --- Counts beside the total, and the filter -----------------------------------------------------------------


def test_the_real_count_is_shown_beside_the_total(client, demo, django_assert_max_num_queries):
    synthetic = demo.count()
    with django_assert_max_num_queries(
        11
    ):  # the same as without synthetic examples: the split comes with the facet counts
        response = client.get("/measures/")
    assert response.context["result_split"] == {"real": 1, "synthetic": synthetic}
    split = response.text.split('class="result-split"', 1)[1].split("</p>", 1)[0]
    assert "1 reported" in split and f"{synthetic:,} synthetic examples" in split

    # Under other filters, the split counts their results; the facets' one query counts it too.
    response = client.get("/measures/", {"reported_by": "civil_society"})
    total = response.context["paginator"].count
    real = real_published().filter(reported_by="civil_society").count()
    assert response.context["result_split"] == {"real": real, "synthetic": total - real}

    # 15 (the page cache's generation among them), and the map's Parties and their measures
    with django_assert_max_num_queries(17):
        stats = client.get("/stats/")
    assert stats.context["total_split"] == {"real": 1, "synthetic": synthetic}
    assert f"{synthetic:,} synthetic examples" in stats.text


def test_no_split_and_no_control_without_synthetic_measures(client, reference_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):
        response = client.get("/measures/")
    assert "result_split" not in response.context
    assert "synthetic_options" not in response.context
    assert 'name="synthetic"' not in response.text
    assert client.get("/stats/").context["total_split"] is None


def test_the_filter_control_is_labelled(client, demo):
    html = client.get("/measures/", {"synthetic": "exclude"}).text
    fieldset = html.split('id="filter-synthetic"', 1)[1].split("</fieldset>", 1)[0]
    assert "<legend>Synthetic examples</legend>" in fieldset
    for number, (value, label) in enumerate(
        [("", "Show them with the real records"), ("exclude", "Hide synthetic examples"), ("only", "Only synthetic")],
        start=1,
    ):
        assert f'value="{value}" id="id_synthetic_{number}"' in fieldset
        assert re.search(f'<label for="id_synthetic_{number}">{label}', fieldset)
    assert 'value="exclude" id="id_synthetic_2" checked' in fieldset
    # The chip names the choice.
    assert "Hide synthetic examples <span aria-hidden" in html.split('class="chips"', 1)[1]


@pytest.mark.parametrize(("value", "expected"), [("exclude", "real"), ("only", "synthetic"), ("", "all")])
def test_the_filter_agrees_in_the_list_the_csv_the_feed_the_stats_and_the_api(client, demo, value, expected):
    published = Measure.objects.published()
    wanted = {"real": real_published(), "synthetic": demo, "all": published}[expected]
    count = wanted.count()
    params = {"synthetic": value} if value else {}

    listed = client.get("/measures/", params).context["paginator"].count
    rows = csv_rows(client.get("/measures/export.csv", params))
    api = client.get("/api/v1/measures/", params).json()
    stats = client.get("/stats/", params).context["total"]
    assert listed == len(rows) - 1 == api["count"] == stats == count
    flags = {row[-1] for row in rows[1:]}
    assert flags == {"real": {"no"}, "synthetic": {"yes"}, "all": {"yes", "no"}}[expected]
    # One page of the API (the newest first), all of the CSV.
    assert {result["is_synthetic"] for result in api["results"]} <= {
        "real": {False},
        "synthetic": {True},
        "all": {True, False},
    }[expected]
    feed = client.get("/measures/feed/", params).text
    titles = re.findall(r"<title>(.*?)</title>", feed)[1:]
    if expected == "real":
        assert titles and not any(title.startswith(TITLE_PREFIX) for title in titles)
    elif expected == "synthetic":
        assert titles and all(title.startswith(TITLE_PREFIX) for title in titles)


def test_the_filter_applies_to_the_other_facets_counts(client, demo):
    response = client.get("/measures/", {"synthetic": "exclude"})
    facets = response.context["facets"]
    real = real_published().get()
    assert {option.value: option.count for option in facets["reported_by"].options if option.count} == {
        real.reported_by: 1
    }
    assert {option.value for option in facets["party"].options} == {real.party.slug.upper()}
    # Under another filter that leaves nothing, removing "synthetic" is offered with how many it would show.
    synthetic_only_party = (
        demo.exclude(party=real.party).values_list("party__slug", flat=True).order_by("party__slug").first()
    )
    response = client.get("/measures/", {"synthetic": "exclude", "party": synthetic_only_party.upper()})
    assert response.context["paginator"].count == 0
    removals = {str(removal["label"]): removal["count"] for removal in response.context["removals"]}
    assert removals["Synthetic examples"] == demo.filter(party__slug=synthetic_only_party).count()


def test_a_bad_value_is_reported(client, demo):
    response = client.get("/measures/", {"synthetic": "maybe"})
    assert "Use synthetic=exclude or synthetic=only" in response.text
    assert client.get("/measures/export.csv", {"synthetic": "maybe"}).status_code == 400
    assert "synthetic" in client.get("/api/v1/measures/", {"synthetic": "maybe"}).json()


# --- Exports -------------------------------------------------------------------------------------------------


def test_the_csv_has_an_is_synthetic_column_last(client, demo):
    rows = csv_rows(client.get("/measures/export.csv"))
    header = rows[0]
    assert header[-1] == "is_synthetic"
    assert header[-3:-1] == ["published_at", "updated_at"]
    by_title = {row[2]: row[-1] for row in rows[1:]}
    assert by_title[real_published().get().title] == "no"
    assert by_title[demo.first().title] == "yes"


def test_the_api_says_which_records_are_synthetic(client, demo):
    real = real_published().get()
    assert client.get(f"/api/v1/measures/{real.pk}/").json()["is_synthetic"] is False
    civil_society = demo.filter(organisation__isnull=False).first()
    body = client.get(f"/api/v1/measures/{civil_society.pk}/").json()
    assert body["is_synthetic"] is True
    assert body["organisation"]["is_synthetic"] is True
    organisation = client.get(f"/api/v1/organizations/{civil_society.organisation.slug}/")
    assert organisation.status_code == 200
    assert organisation.json()["is_synthetic"] is True
    assert client.get("/api/v1/organizations/cdce/").json()["is_synthetic"] is False


def test_the_api_schema_documents_the_filter_and_the_field(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parameters = {
        parameter["name"]: parameter for parameter in schema["paths"]["/api/v1/measures/"]["get"]["parameters"]
    }
    synthetic = parameters["synthetic"]
    assert synthetic["schema"]["enum"] == ["exclude", "only"]
    assert "generate_demo_data" in synthetic["description"]
    assert "is_synthetic" in schema["components"]["schemas"]["Measure"]["properties"]
    assert "is_synthetic" in schema["components"]["schemas"]["Organisation"]["properties"]
