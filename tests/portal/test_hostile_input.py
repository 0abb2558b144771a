"""Hostile text saved through the back office is harmless everywhere the public reads it.

Every sample of tests/support/hostile_input.py goes, through the admin's own forms (CSRF, inlines and all), into every
text field of a Party, an organisation, a measure and its partners, and of the expert-group records; the
measure is published; then each public page, the CSV, the Atom feed, the calendar files and the API are read
back. Web addresses other than http and https, and control characters, are refused with a message.
"""

import csv
import datetime
import io
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import icalendar
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import Truncator

from core.validators import strip_control_characters
from experts.models import Body, Expert, Meeting, MeetingDocument, MeetingOrganiser, MeetingTopic, Outcome
from measures.export import FORMULA_PREFIXES
from measures.models import Measure, Organisation, Partner, Party, PeriodicReport, ReportingCycle
from tests.support.hostile_input import (
    CORPUS,
    HOSTILE_BUT_VALID_URL,
    LIVE_MARKUP,
    REFUSED_CONTROL_CHARACTERS,
    REFUSED_URLS,
    SCRIPT_ADDRESS,
    BackOffice,
    HostileRecords,
    escaped_lines,
    public_pages,
    stored,
    text_fields,
)
from tests.support.workflow import World, client_for

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PERSONAS = ("superuser", "secretariat")


@pytest.fixture
def world(db):
    return World()


def hostile_records(world, persona, sample):
    return HostileRecords(world, world.superuser if persona == "superuser" else world.reviewer, sample)


# What "harmless" means on a page --------------------------------------------------------------------------


def assert_harmless(html, where):
    for markup in LIVE_MARKUP:
        assert markup.lower() not in html.lower(), f"{markup!r} is live markup on {where}"
    assert not SCRIPT_ADDRESS.search(html), f"a script address is a link on {where}"


def assert_shown_as_text(html, value, where):
    """Every line of the value is in the page escaped, and never raw where escaping changes it."""
    for line in escaped_lines(value):
        assert line in html, f"{line[:80]!r}… is not on {where}"
    for raw in value.replace("\r", "\n").split("\n"):
        if raw.strip() and escape(raw) != raw:
            assert raw not in html, f"{raw[:80]!r}… is raw on {where}"


def without_marks(html):
    return html.replace("<mark>", "").replace("</mark>", "")


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode()


def check_pages(client, records):
    """Every page shows every value escaped; links to the hostile but valid address keep it escaped."""
    escaped_address = escape(HOSTILE_BUT_VALID_URL)
    linking = {
        records.measure.get_absolute_url(),
        records.party.get_absolute_url(),
        records.organisation.get_absolute_url(),
        records.meeting.get_absolute_url(),
    }
    for url, values in public_pages(records):
        html = get_page(client, url)
        assert_harmless(html, url)
        for value in values:
            assert_shown_as_text(html, value, url)
        assert HOSTILE_BUT_VALID_URL not in html, url
        if url in linking:
            assert f'href="{escaped_address}"' in html, url


def check_search(client, records):
    """A query finds the measure and highlights a word of the sample, inside text that stays escaped."""
    word = records.sample.search_word
    query = f"hostilis or {word}" if word else "hostilis"
    html = get_page(client, f"{reverse('measures:stats')}?{urlencode({'q': query})}")
    assert_harmless(html, "the statistics")
    assert escape(query) in html
    response = client.get(reverse("measures:measure-list"), {"q": query})
    assert response.context["paginator"].count == 1
    html = response.content.decode()
    assert_harmless(html, "the highlighted list")
    assert_shown_as_text(without_marks(html), records.measure.title, "the highlighted list")
    if word:
        assert f"<mark>{escape(word)}</mark>" in html


def neutralised(value):
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def check_csv(client, records):
    content = b"".join(client.get(reverse("measures:measure-export-csv")).streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(content)))
    (row,) = [row for row in rows if row[0] == str(records.measure.pk)]
    for cell in row:
        assert not cell.startswith(FORMULA_PREFIXES), cell[:40]
    cells = dict(zip(header, row, strict=True))
    measure = records.measure
    assert cells["title"] == neutralised(measure.title)
    assert cells["main_features"] == neutralised(measure.main_features)
    assert cells["organisation"] == neutralised(records.organisation.name)


def check_feed(client, records):
    """Well-formed XML whose elements are all Atom's: the sample is only ever text (XML reads CR LF as LF)."""
    response = client.get(reverse("measures:measure-feed"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert all(element.tag.startswith(ATOM) for element in root.iter())
    (entry,) = root.findall(f"{ATOM}entry")
    measure = records.measure
    assert entry.findtext(f"{ATOM}title") == newlines(measure.title)
    summary = escape(Truncator(measure.main_features).words(80))
    assert entry.findtext(f"{ATOM}summary") == newlines(summary)
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == newlines(records.organisation.name)
    categories = [category.get("term") for category in entry.findall(f"{ATOM}category")]
    assert records.party.name_en in categories


def check_calendars(client, records):
    meeting = records.meeting
    for url in (reverse("experts:meeting-ics", args=[meeting.slug]), reverse("experts:meeting-calendar")):
        response = client.get(url)
        assert response.status_code == 200, url
        lines = response.content.decode().split("\r\n")
        assert not [line for line in lines if line.startswith(("X-INJECTED", "DTSTART:1970"))]
        calendar = icalendar.Calendar.from_ical(response.content)
        (event,) = calendar.walk("VEVENT")
        assert str(event["SUMMARY"]) == newlines(meeting.title)
        assert str(event["DESCRIPTION"]) == newlines(meeting.description)
        assert str(event["LOCATION"]).startswith(newlines(meeting.venue))


def check_api(client, records):
    """JSON carries the exact strings as data."""
    measure = records.measure
    data = json.loads(get_page(client, reverse("api:measure-detail", args=[measure.pk])))
    for field in ("title", "main_features", "results", "financial_resources", "evaluation_findings"):
        assert data[field] == getattr(measure, field), field
    assert data["partners"][0]["name"] == measure.partners.first().name
    assert data["source_url"] == HOSTILE_BUT_VALID_URL
    party = json.loads(get_page(client, reverse("api:party-detail", args=["hst"])))
    assert (party["name_en"], party["declarations"]) == (records.party.name_en, records.party.declarations)
    organisation = json.loads(get_page(client, reverse("api:organisation-detail", args=[records.organisation.slug])))
    assert (organisation["name"], organisation["description"]) == (
        records.organisation.name,
        records.organisation.description,
    )
    meeting = json.loads(get_page(client, reverse("api:meeting-detail", args=[records.meeting.slug])))
    assert (meeting["title"], meeting["description"]) == (records.meeting.title, records.meeting.description)
    assert meeting["topics"][0]["summary"] == records.meeting.topics.get().summary


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("sample", CORPUS, ids=str)
def test_hostile_text_saved_through_the_admin_is_harmless_everywhere(client, world, persona, sample):
    records = hostile_records(world, persona, sample)
    assert records.measure.title == stored(sample.value_for(500))
    assert records.measure.status == Measure.Status.PUBLISHED
    check_pages(client, records)
    check_search(client, records)
    check_csv(client, records)
    check_feed(client, records)
    check_calendars(client, records)
    check_api(client, records)


def newlines(value):
    """A text as a calendar program reads it back: line breaks are escaped as \\n, a CR/LF pair as one."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


# Refused input --------------------------------------------------------------------------------------------


URL_FIELDS = [
    (Measure, "source_url"),
    (Organisation, "website"),
    (Party, "source_url"),
    (PeriodicReport, "source_url"),
    (MeetingDocument, "url"),
]


@pytest.mark.parametrize(("model", "field_name"), URL_FIELDS, ids=lambda value: getattr(value, "__name__", value))
@pytest.mark.parametrize("address", REFUSED_URLS)
def test_url_fields_refuse_anything_but_http_and_https(model, field_name, address):
    field = model._meta.get_field(field_name)
    with pytest.raises(ValidationError) as refused:
        field.clean(address, None)
    assert refused.value.messages == ["Enter a web address starting with http:// or https://."]
    assert field.clean("https://example.org/a?b=c", None) == "https://example.org/a?b=c"
    assert field.clean("http://example.org", None) == "http://example.org"
    assert field.formfield().clean("example.org") == "https://example.org"


@pytest.mark.parametrize("address", REFUSED_URLS)
def test_the_admin_refuses_a_script_address_and_saves_nothing(world, address):
    office = BackOffice(world.reviewer)
    data = {"name": "Careful Coalition", "slug": "careful", "kind": "civil_society", "website": address}
    response = office.post(office.url(Organisation, "add"), data)
    assert response.status_code == 200
    assert "Enter a web address starting with http:// or https://." in response.content.decode()
    assert not Organisation.objects.filter(slug="careful").exists()


def test_the_admin_refuses_a_script_address_in_an_inline(world):
    office = BackOffice(world.reviewer)
    body = Body.objects.create(kind="expert_group", name="Group", slug="group")
    data = {"body": body.pk, "kind": "expert_meeting", "title": "A meeting", "slug": "a-meeting", "year": "2030"}
    data["language"] = "en"
    document = {"title": "Agenda", "kind": "agenda", "language": "en", "url": "javascript:alert(1)", "position": "0"}
    response = office.post(office.url(Meeting, "add"), data, inlines={"documents": [document]})
    assert response.status_code == 200
    assert "Enter a web address starting with http:// or https://." in response.content.decode()
    assert not Meeting.objects.exists()
    party = world.party
    response = office.post(
        office.url(Party, "change", party.pk),
        {"name_en": party.name_en, "iso3": party.iso3, "kind": "state"},
        inlines={"reports": [{"cycle": ReportingCycle.objects.create(year=2027).pk, "source_url": "ftp://x.org/r"}]},
    )
    assert response.status_code == 200
    assert not PeriodicReport.objects.exists()


def every_text_field():
    models_with_text = [Party, Organisation, Measure, Partner, Body, Expert, Meeting, MeetingOrganiser]
    models_with_text += [MeetingTopic, MeetingDocument, Outcome]
    return [(model, field.name) for model in models_with_text for field in text_fields(model, skip={"iso3"})]


@pytest.mark.parametrize(
    ("model", "field_name"), every_text_field(), ids=lambda value: getattr(value, "__name__", value)
)
def test_every_text_field_refuses_control_characters_with_a_message_naming_it(model, field_name):
    field = model._meta.get_field(field_name)
    for character in REFUSED_CONTROL_CHARACTERS:
        record = model(**{field_name: f"a{character}b"})
        with pytest.raises(ValidationError) as refused:
            record.clean_fields(exclude=[name for name in (f.name for f in model._meta.fields) if name != field_name])
        (message,) = refused.value.message_dict[field_name]
        assert str(field.verbose_name).lower() in message.lower()
        assert "control characters" in message
    allowed = model(**{field_name: "\ta\r\nb"})
    allowed.clean_fields(exclude=[f.name for f in model._meta.fields if f.name != field_name])


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f"], ids=repr)
def test_the_admin_refuses_control_characters_and_keeps_what_was_typed(world, character):
    office = BackOffice(world.reviewer)
    data = {
        "title": f"Before{character}after",
        "party": world.party.pk,
        "reported_by": "party",
        "evaluated": "unknown",
        "language": "en",
    }
    response = office.post(office.url(Measure, "add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"control characters|Null characters are not allowed", page)
    assert not Measure.objects.filter(title__startswith="Before").exists()


def test_the_import_refuses_script_addresses_and_control_characters(world, monkeypatch):
    from tests.support.imports import csv_bytes, good_row, import_through_the_back_office

    world.party.iso3 = "CAN"
    world.party.save()
    client = client_for(world.reviewer)
    content = csv_bytes(
        [
            good_row(title="Script address", source_url="javascript:alert(1)"),
            good_row(title="Data address", source_url="data:text/html,<script>alert(1)</script>"),
            good_row(title="Old protocol", source_url="ftp://example.org/file"),
            good_row(title="Bell\x07in the title"),
        ]
    )
    job = import_through_the_back_office(client, monkeypatch, content)
    assert job.state == "invalid"
    errors = list(job.problems.values_list("message", flat=True))
    assert errors.count("Enter a web address starting with http:// or https://.") == 3
    assert any("control characters" in error for error in errors)
    assert not Measure.objects.exists()


def test_the_party_code_must_be_three_letters(world):
    office = BackOffice(world.reviewer)
    party = world.party
    response = office.post(office.url(Party, "change", party.pk), {"name_en": "X", "iso3": "<x>", "kind": "state"})
    assert response.status_code == 200
    assert "three letters" in response.content.decode()
    party.refresh_from_db()
    assert party.slug != "<x>"


# Text stored before these rules, or by other means: the outputs still never break ---------------------------


@pytest.fixture
def stored_with_control_characters(world):
    """Records holding control characters, as data written straight to the database could."""
    text = "Bell\x07 and escape\x1b[31m and vertical tab\x0b"
    measure = world.civil_society_measure(status=Measure.Status.PUBLISHED, title=text, main_features=text)
    body = Body.objects.create(kind="expert_group", name=text, slug="stored")
    meeting = Meeting.objects.create(
        body=body,
        kind="expert_meeting",
        title=text,
        description=text,
        venue=text,
        slug="stored-meeting",
        start_date=datetime.date(2030, 1, 2),
        end_date=datetime.date(2030, 1, 3),
    )
    return measure, meeting, text


def test_the_feed_leaves_control_characters_out(client, stored_with_control_characters):
    measure, _meeting, text = stored_with_control_characters
    response = client.get(reverse("measures:measure-feed"))
    assert response.status_code == 200
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == strip_control_characters(text)


def test_the_calendar_leaves_control_characters_out(client, stored_with_control_characters):
    _measure, meeting, text = stored_with_control_characters
    response = client.get(reverse("experts:meeting-ics", args=[meeting.slug]))
    assert response.status_code == 200
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", response.content)
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == strip_control_characters(text)


def test_pages_csv_and_api_still_answer(client, stored_with_control_characters):
    measure, meeting, text = stored_with_control_characters
    for url in (measure.get_absolute_url(), reverse("measures:measure-list"), meeting.get_absolute_url()):
        assert client.get(url).status_code == 200, url
    content = b"".join(client.get(reverse("measures:measure-export-csv")).streaming_content).decode("utf-8-sig")
    assert text in content
    assert json.loads(get_page(client, reverse("api:measure-detail", args=[measure.pk])))["title"] == text


@pytest.mark.parametrize("cell", ["\t=1+1", "\r=1+1", "=1+1", "+1", "-1", "@A1"], ids=repr)
def test_a_formula_typed_anywhere_in_a_row_is_neutralised(client, world, cell):
    measure = world.civil_society_measure(status=Measure.Status.PUBLISHED, title=cell, results=cell)
    Partner.objects.create(measure=measure, name=cell, entity_type="public")
    measure.organisation.name = cell
    measure.organisation.save()
    content = b"".join(client.get(reverse("measures:measure-export-csv")).streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(content)))
    cells = dict(zip(header, row, strict=True))
    for column in ("title", "results", "partners", "organisation"):
        assert cells[column] == f"'{cell}", column


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_back_office_export_neutralises_formulas_and_imports_back_unchanged(world, file_format, monkeypatch):
    from tests.measures.test_import_export import CSV_FORMAT, XLSX_FORMAT, TestExport
    from tests.support.imports import import_through_the_back_office

    formula = '=HYPERLINK("http://evil","x")'
    world.party.iso3 = "CAN"
    world.party.save()
    world.party_measure(title=formula, main_features="+1+1", results="-2+3", financial_resources="@SUM(1)")
    client = client_for(world.reviewer)
    code = CSV_FORMAT if file_format == "csv" else XLSX_FORMAT
    content = TestExport().export(client, file_format=code).content
    if file_format == "csv":
        (row,) = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        header, values = list(sheet.iter_rows(values_only=True))
        row = dict(zip(header, values, strict=True))
    assert (row["title"], row["main_features"], row["results"], row["financial_resources"]) == (
        f"'{formula}",
        "'+1+1",
        "'-2+3",
        "'@SUM(1)",
    )
    job = import_through_the_back_office(client, monkeypatch, content, f"export.{file_format}", duplicates="import")
    assert (job.state, job.imported_count) == ("done", 1)
    copy = Measure.objects.filter(status=Measure.Status.DRAFT).order_by("-pk").first()
    assert (copy.title, copy.main_features, copy.results, copy.financial_resources) == (
        formula,
        "+1+1",
        "-2+3",
        "@SUM(1)",
    )


# The corpus as query parameters -----------------------------------------------------------------------------

#: Each list with its search parameter and one of its filters; the API lists read the same parameters.
LISTS = [
    ("measures:measure-list", "party"),
    ("measures:measure-export-csv", "area"),
    ("measures:measure-feed", "goal"),
    ("measures:stats", "region"),
    ("measures:party-list", "instrument"),
    ("measures:organisation-list", "country"),
    ("measures:report-list", "status"),
    ("experts:meeting-list", "body"),
    ("experts:meeting-calendar", "country"),
    ("api:measure-list", "domain"),
    ("api:party-list", "deposited_from"),
    ("api:organisation-list", "kind"),
    ("api:meeting-list", "when"),
]


@pytest.mark.parametrize(("view", "filter_name"), LISTS, ids=[view for view, _filter in LISTS])
def test_hostile_query_parameters_are_answered_never_with_an_error(client, world, view, filter_name):
    from django.core.cache import cache

    url = reverse(view)
    for value in [*(sample.value_for(2000) for sample in CORPUS), "\x00", "a\x00b", "\x1b[31m"]:
        for params in ({"q": value}, {filter_name: value}, {"sort": value, "page": value}):
            cache.clear()  # no throttling of the API
            response = client.get(url, params)
            assert response.status_code in (200, 400, 404), (params, response.status_code)
            if not response.streaming and "html" in response.get("Content-Type", ""):
                assert_harmless(response.content.decode(), f"{url} with {params}")
