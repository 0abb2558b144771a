"""A corpus of hostile strings, and the records that hold one in every text field, entered through the admin.

Each sample is saved through the back office into every text field of a Party, an organisation, a measure and
its partners, and the expert-group records; the public pages, the CSV, the feed, the calendar files and the API
must then show it as plain text (tests/portal/test_hostile_input.py, tests/browser/test_hostile_input.py).
"""

import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.urls import resolve, reverse
from django.utils.html import escape

from experts.models import Body, Expert, Meeting, MeetingDocument, MeetingOrganiser, MeetingTopic, Outcome
from measures import workflow
from measures.models import Measure, Organisation, Partner, Party, ReportingCycle
from tests.support.workflow import MANAGEMENT_INPUT, client_for, csrf_token

#: The reporting cycle the hostile Party's report belongs to (and the measures' report year).
CYCLE_YEAR = 2024

#: A record text field holding more than this is given a 100,000-character text by the "very long" sample.
LONG_TEXT_LENGTH = 100_000

#: The words a search query picks from a sample; longer runs (the very long sample) are not searched for.
WORD = re.compile(r"[^\W\d_]{3,30}")


@dataclass(frozen=True)
class Hostile:
    name: str
    text: str
    #: Fill the field to its maximum length (a text field: LONG_TEXT_LENGTH characters) by repeating the text.
    fills_field: bool = False

    def value_for(self, max_length=None):
        """The value to type into a field of this length (None: a text field without limit)."""
        if self.fills_field:
            length = max_length or LONG_TEXT_LENGTH
            return (self.text * (length // len(self.text) + 1))[:length]
        return self.text[:max_length] if max_length else self.text

    @property
    def search_word(self):
        """A word of the sample to search for, so the list highlights it; empty if it has none."""
        if self.fills_field:
            return ""
        match = WORD.search(self.text)
        return match.group() if match else ""

    def __str__(self):
        return self.name


CORPUS = [
    Hostile("script", "<script>alert(1)</script>"),
    Hostile("attribute-breakout", '"><img src=x onerror=alert(1)>'),
    Hostile("single-quote-breakout", "' onmouseover='alert(1)"),
    Hostile("textarea-breakout", "</textarea><svg onload=alert(1)>"),
    Hostile("title-breakout", "</title><script>alert(1)</script>"),
    Hostile("cdata-end", "]]><![CDATA[<script>alert(1)</script>]]>"),
    Hostile("template-syntax", "{{ 7*7 }}{% debug %}"),
    Hostile("format-string", "100% %(title)s {0} %s %n"),
    Hostile("entities", "&lt;script&gt; &amp; &#x3C;b&#x3E;"),
    Hostile("javascript-url", "javascript:alert(1)"),
    Hostile("markdown-link", "[click](javascript:alert(1))"),
    Hostile("hyperlink-formula", '=HYPERLINK("http://evil","x")'),
    Hostile("plus-formula", "+1+1"),
    Hostile("minus-formula", "-2+3"),
    Hostile("at-formula", "@SUM(1)"),
    Hostile("tab-formula", "\t=1+1"),
    Hostile("carriage-return-formula", "\r=1+1"),
    Hostile("right-to-left-override", "Report \u202egnp.exe"),
    Hostile("zero-width", "zero\u200bwidth\u200djoiner\u200cnon\u2060joiner\ufeff"),
    Hostile("allowed-controls", "tab\there\nnew line\r\nand a carriage return"),
    Hostile("calendar-injection", "Meeting\r\nDTSTART:19700101\r\nX-INJECTED:1"),
    Hostile("emoji", "Culture 🎭🎶 👩🏽\u200d🎤 🏳️\u200d🌈"),
    Hostile("sql", "'; DROP TABLE measures_measure; --"),
    Hostile("very-long", "<b>Unbroken", fills_field=True),
]

#: Web addresses a URL field must refuse.
REFUSED_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)//http://example.org",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "ftp://example.org/file",
    "ftps://example.org/file",
    "file:///etc/passwd",
]

#: A web address that is valid (http) but carries markup in its query: it must reach every href escaped.
HOSTILE_BUT_VALID_URL = "https://example.org/?q=\"><script>alert(1)</script>&x='y"

#: Characters a stored text refuses: C0 control characters but tab, line feed and carriage return; DEL; and the
#: noncharacters U+FFFE and U+FFFF, which XML cannot carry.
REFUSED_CONTROL_CHARACTERS = [
    *(chr(code) for code in range(0x20) if chr(code) not in "\t\n\r"),
    "\x7f",
    "\ufffe",
    "\uffff",
]

#: What the corpus would put in a page if it were not escaped; none of it ever belongs in a page.
LIVE_MARKUP = (
    "<script>alert(1)",
    "<img src=x",
    "<svg onload",
    "<![CDATA[<script",
    "<b>Unbroken",
    "' onmouseover='alert",
)
#: A link or resource address that runs script.
SCRIPT_ADDRESS = re.compile(
    r"""(href|src|action|formaction)\s*=\s*["']?\s*(javascript|data|vbscript):""", re.IGNORECASE
)


def stored(value):
    """What a form field keeps of what was typed: Django strips leading and trailing whitespace."""
    return value.strip()


def escaped_lines(value):
    """The value's lines as escaped HTML: each must be in a page that shows the value (linebreaks splits them)."""
    return [escape(line) for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]


# Posting the admin's forms ------------------------------------------------------------------------------------


def text_fields(model, *, skip=()):
    """The free-text fields of a model: CharFields and TextFields without choices (codes and slugs left out)."""
    return [
        field
        for field in model._meta.concrete_fields
        if type(field) in (models.CharField, models.TextField)
        and not field.choices
        and field.editable
        and field.name not in skip
    ]


def hostile_values(model, sample, *, skip=()):
    """{field name: the sample as typed into that field}, for every free-text field of the model."""
    return {
        field.name: sample.value_for(field.max_length if isinstance(field, models.CharField) else None)
        for field in text_fields(model, skip=skip)
    }


def form_errors(response):
    context = response.context
    if context is None or "adminform" not in context:
        return f"status {response.status_code}"
    errors = {"form": context["adminform"].form.errors}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        errors[formset.prefix] = [*formset.errors, *formset.non_form_errors()]
    return errors


class BackOffice:
    """A person using the admin's forms as a browser does: CSRF enforced, inline management forms posted back."""

    #: The management forms of each admin view's inlines, read once from the page (the same for every record).
    management_forms = {}

    def __init__(self, user):
        self.client = client_for(user)
        self.token = None

    def url(self, model, view, *args):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)

    def management_data(self, url):
        """The inlines' management forms as the page gives them, with its blank extra forms left out."""
        view = resolve(url).url_name
        if view not in self.management_forms or self.token is None:
            page = self.client.get(url)
            assert page.status_code == 200, url
            self.token = self.token or csrf_token(self.client, page)
            data = dict(MANAGEMENT_INPUT.findall(page.content.decode()))
            for name in list(data):
                if name.endswith("-TOTAL_FORMS"):
                    data[name] = data[name.replace("-TOTAL_FORMS", "-INITIAL_FORMS")]
            self.management_forms[view] = data
        return dict(self.management_forms[view])

    def post(self, url, fields, inlines=None):
        data = self.management_data(url)
        for prefix, rows in (inlines or {}).items():
            assert f"{prefix}-TOTAL_FORMS" in data, f"no inline {prefix} on {url}"
            first = int(data[f"{prefix}-INITIAL_FORMS"])
            data[f"{prefix}-TOTAL_FORMS"] = str(first + len(rows))
            for index, row in enumerate(rows, start=first):
                data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
        data.update(fields)
        data["csrfmiddlewaretoken"] = self.token
        return self.client.post(url, data)

    def add(self, model, fields, inlines=None):
        response = self.post(self.url(model, "add"), fields, inlines)
        assert response.status_code == 302, form_errors(response)
        return model.objects.order_by("-pk").first()

    def change(self, obj, fields, inlines=None):
        response = self.post(self.url(type(obj), "change", obj.pk), fields, inlines)
        assert response.status_code == 302, form_errors(response)
        obj.refresh_from_db()
        return obj


# The records, entered through the admin -------------------------------------------------------------------


class HostileRecords:
    """Every record with free text, each text field holding the sample, saved by `user` through the admin."""

    def __init__(self, world, user, sample):
        self.sample = sample
        office = BackOffice(user)
        cycle = ReportingCycle.objects.create(year=CYCLE_YEAR, deadline=datetime.date(CYCLE_YEAR, 4, 30))
        party = Party.objects.create(iso3="HST", name_en="Placeholder", deposit_date=datetime.date(2010, 1, 1))
        self.party = office.change(
            party,
            {
                "iso3": "HST",
                "kind": "state",
                "deposit_date": "2010-01-01",
                "electoral_group": "I",
                "unesco_region": "Africa",
                "source_url": HOSTILE_BUT_VALID_URL,
                **hostile_values(Party, sample, skip={"iso3"}),
            },
            inlines={"reports": [{"cycle": cycle.pk, "language": "en", "source_url": HOSTILE_BUT_VALID_URL}]},
        )
        self.organisation = office.add(
            Organisation,
            {
                "slug": "hostile-organisation",
                "kind": "civil_society",
                "country": self.party.pk,
                "website": HOSTILE_BUT_VALID_URL,
                **hostile_values(Organisation, sample),
            },
        )
        partner_name = sample.value_for(Partner._meta.get_field("name").max_length)
        self.measure = office.add(
            Measure,
            {
                "party": self.party.pk,
                "reported_by": "civil_society",
                "organisation": self.organisation.pk,
                "report_year": CYCLE_YEAR,
                "period_start": "2020",
                "evaluated": "yes",
                "language": "en",
                "source_url": HOSTILE_BUT_VALID_URL,
                **hostile_values(Measure, sample),
            },
            inlines={
                "partners": [
                    {"name": partner_name, "entity_type": "civil_society", "position": "0"},
                    # Searchable on every database, so a query can find the measure and highlight the sample.
                    {"name": "Hostilis partner", "entity_type": "public", "position": "1"},
                ]
            },
        )
        workflow.transition(self.measure, workflow.Move.SUBMIT, world.reviewer)
        workflow.transition(self.measure, workflow.Move.PUBLISH, world.reviewer)
        self.expert = office.add(Expert, {"country": self.party.pk, **hostile_values(Expert, sample)})
        self.body = office.add(
            Body,
            {"kind": "expert_group", "slug": "hostile-body", **hostile_values(Body, sample)},
            inlines={"memberships": [{"expert": self.expert.pk, "role": "chair"}]},
        )
        topic, document = MeetingTopic._meta, MeetingDocument._meta
        self.meeting = office.add(
            Meeting,
            {
                "body": self.body.pk,
                "kind": "expert_meeting",
                "slug": "hostile-meeting",
                "start_date": "2030-05-28",
                "end_date": "2030-05-30",
                "country": self.party.pk,
                "format": "hybrid",
                "participants": [self.expert.pk],
                **hostile_values(Meeting, sample),
            },
            inlines={
                "organisers": [
                    {
                        "organisation": self.organisation.pk,
                        "role": "organiser",
                        "note_en": sample.value_for(MeetingOrganiser._meta.get_field("note_en").max_length),
                        "position": "0",
                    },
                    {"party": self.party.pk, "role": "host", "position": "1"},
                ],
                "topics": [
                    {
                        "position": "1",
                        "title_en": sample.value_for(topic.get_field("title_en").max_length),
                        "summary_en": sample.value_for(),
                    }
                ],
                "documents": [
                    {
                        "title": sample.value_for(document.get_field("title").max_length),
                        "kind": "report",
                        "language": "en",
                        "url": HOSTILE_BUT_VALID_URL,
                        "position": "0",
                    }
                ],
            },
        )
        self.outcome = office.add(
            Outcome,
            {
                "kind": "recommendation",
                "number": "4",
                "slug": "hostile-outcome",
                "status": "proposed",
                "body": self.body.pk,
                "meeting": self.meeting.pk,
                "year": "2030",
                "measures": [self.measure.pk],
                **hostile_values(Outcome, sample),
            },
        )


def public_pages(records):
    """(address, the stored values the page shows in full) for every public page holding the records."""
    measure, organisation, party, meeting, body = (
        records.measure,
        records.organisation,
        records.party,
        records.meeting,
        records.body,
    )
    partners = [partner.name for partner in measure.partners.all()]
    topic, document = meeting.topics.get(), meeting.documents.get()
    note = meeting.organisers.exclude(note_en="").get().note
    return [
        (reverse("measures:home"), [measure.title]),
        (reverse("measures:measure-list"), [measure.title]),
        (
            measure.get_absolute_url(),
            [
                measure.title,
                measure.main_features,
                measure.results,
                measure.financial_resources,
                measure.evaluation_findings,
                organisation.name,
                party.name_en,
                *partners,
            ],
        ),
        (party.get_absolute_url(), [party.name_en, party.declarations, measure.title]),
        (reverse("measures:party-list"), [party.name_en]),
        (f"{reverse('measures:report-list')}?cycle={CYCLE_YEAR}", [party.name_en]),
        (reverse("measures:organisation-list"), [organisation.name, organisation.acronym]),
        (
            organisation.get_absolute_url(),
            [organisation.name, organisation.acronym, organisation.description, measure.title],
        ),
        (f"{reverse('measures:stats')}?party=HST", [party.name_en]),
        (reverse("experts:meeting-list"), [meeting.title, meeting.city]),
        (
            meeting.get_absolute_url(),
            [
                meeting.title,
                meeting.description,
                meeting.venue,
                meeting.city,
                body.name,
                note,
                topic.title,
                topic.summary,
                document.title,
                records.expert.name,
                records.expert.affiliation,
            ],
        ),
        (reverse("experts:body-list"), [body.name]),
        (body.get_absolute_url(), [body.name, body.mandate, body.description, records.expert.name]),
        (records.outcome.get_absolute_url(), [records.outcome.title, records.outcome.text, measure.title]),
        ("/fr" + measure.get_absolute_url(), [measure.title, measure.main_features]),
    ]
