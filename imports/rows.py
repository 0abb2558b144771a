"""A row of an import file read into a measure ready to save, or the problems that keep it out.

The columns are measures/columns.py's IMPORTED; each cell is read by a converter named after the column's
`write.widget`. The model's own fields check lengths, choices and addresses (Field.clean, no query), and the
reference data (Parties, organisations, goals, areas, domains) is read once per file (`Reference`), so that a
row costs no query: the file is read twice (check, then save) at thousands of rows a second.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import is_reviewer, represented
from core.validators import validate_no_control_characters
from measures import classification, workflow
from measures.columns import IMPORTED
from measures.export import FORMULA_PREFIXES
from measures.models import (
    CLASSIFICATION_BITS,
    AreaOfMonitoring,
    CulturalDomain,
    EntityType,
    Goal,
    Measure,
    Organisation,
    Partner,
    Party,
    ReportedBy,
)

#: Several values in one cell (areas, domains, goals, partners) are separated by this.
SEPARATOR = "|"
#: A partner: its name, then its type in brackets: "Canada Council for the Arts (public)".
PARTNER = re.compile(r"^(?P<name>.*\S)\s*\((?P<type>[^()]*)\)$")
#: The columns a file must have; the others may be left out and take their defaults.
REQUIRED_COLUMNS = ("title", "party")
#: Columns of the back office's export that an import passes over, so that an export imports back: a new draft
#: gets its own identifier, status and dates.
IGNORED_COLUMNS = ("id", "status", "published_at", "updated_at")
TRUE = {"1", "true", "yes", "y"}
FALSE = {"0", "false", "no", "n", ""}


class CellError(Exception):
    """A cell that cannot be read; str() is the message for the person who wrote the file."""


@dataclass(frozen=True)
class Problem:
    """Something wrong with a row (`warning` False: it keeps the file out) or worth a look (True: a duplicate)."""

    line: int
    column: str
    message: str
    warning: bool = False


@dataclass
class Candidate:
    """A valid row: the measure's field values and its related records, not saved yet."""

    line: int
    fields: dict
    areas: list = field(default_factory=list)
    domains: list = field(default_factory=list)
    goals_ticked: list = field(default_factory=list)
    partners: list = field(default_factory=list)
    #: Set when the row repeats another row of the file or a measure already recorded.
    duplicate_of: str = ""

    @property
    def duplicate_key(self):
        """Same reporter (the Party, or the organisation for civil society), title and report year."""
        fields = self.fields
        reporter = fields.get("organisation_id") if fields["reported_by"] == ReportedBy.CIVIL_SOCIETY else None
        return (
            fields["reported_by"],
            fields["party_id"],
            reporter,
            fields["title"].casefold(),
            fields.get("report_year"),
        )

    def measure(self, user):
        """The new draft, with its stored classification (bulk inserts send no m2m signal)."""
        goal_ids, bits = classification.stored_classification(self.areas, self.domains, self.goals_ticked)
        self.goal_ids = goal_ids
        return Measure(
            **self.fields,
            **dict(zip(CLASSIFICATION_BITS, bits, strict=True)),
            status=Measure.Status.DRAFT,
            created_by=user,
            updated_by=user,
        )


class Reference:
    """The reference data a file's rows point at, read once: Parties by code, organisations, goals, areas and
    domains by their keys."""

    def __init__(self):
        self.parties = {}
        for party in Party.objects.only("pk", "iso3", "slug", "name_en"):
            self.parties["EU" if party.slug == Party.EU_SLUG else party.iso3.upper()] = party
        self.organisations = {
            org.slug: org for org in Organisation.objects.only("pk", "slug", "name_en", "name_fr", "name_es")
        }
        goals = {goal.pk: goal for goal in Goal.objects.all()}
        self.goals = {str(goal.number): goal for goal in goals.values()}
        self.areas = {}
        for area in AreaOfMonitoring.objects.all():
            area.goal = goals[area.goal_id]
            self.areas[area.slug] = area
        self.domains = {domain.slug: domain for domain in CulturalDomain.objects.all()}
        #: The records a column names, by the model its Write names (measures/columns.py).
        self.by_model = {
            Goal: self.goals,
            AreaOfMonitoring: self.areas,
            CulturalDomain: self.domains,
            Organisation: self.organisations,
        }
        self.party_codes = {party.pk: code for code, party in self.parties.items()}


def text_cell(value):
    """Free text. An export writes a leading apostrophe where a spreadsheet would run the cell as a formula;
    it comes off again here, so that an export imports back unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


class Converters:
    """One converter per kind of column (Write.widget): the cell's text in, the value to store out."""

    def __init__(self, reference):
        self.reference = reference

    def text(self, value):
        return text_cell(value)

    def integer(self, value):
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": value}) from None

    def decimal(self, value):
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise CellError(
                _("“%(value)s” is not a number: write it with digits and a point, like 1500000.50.") % {"value": value}
            ) from None
        if not number.is_finite():
            raise CellError(_("“%(value)s” is not a number.") % {"value": value})
        return number

    def flag(self, value):
        value = value.lower()
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        raise CellError(_("“%(value)s” is not yes or no.") % {"value": value})

    def choice(self, value, choices, default):
        """An empty cell gives None: the importer's default or the column's (`Importer.complete`)."""
        value = value.lower()
        if not value:
            return None
        if value not in choices.values:
            raise CellError(
                _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(choices.values)}
            )
        return value

    def party(self, value):
        code = value.upper()
        if not code:
            return None
        try:
            return self.reference.parties[code].pk
        except KeyError:
            raise CellError(_("no Party has the code %(code)s.") % {"code": code}) from None

    def slug(self, value, model):
        slug = value.lower()
        if not slug:
            return None
        try:
            return self.reference.by_model[model][slug].pk
        except KeyError:
            raise CellError(_("no organisation has the key “%(slug)s”.") % {"slug": slug}) from None

    def many(self, value, model, key):
        known = self.reference.by_model[model]
        keys = [part.strip().lower() for part in value.split(SEPARATOR) if part.strip()]
        unknown = [key for key in keys if key not in known]
        if unknown:
            raise CellError(
                ngettext("unknown %(kind)s: %(keys)s.", "unknown %(kind)s: %(keys)s.", len(unknown))
                % {"kind": model._meta.verbose_name_plural, "keys": ", ".join(unknown)}
            )
        return list({key: known[key] for key in keys}.values())

    def partners(self, value):
        """Partners as "Name (type)", separated by "|"; the type is one of EntityType's values."""
        partners = []
        name_field = Partner._meta.get_field("name")
        for part in (part.strip() for part in value.split(SEPARATOR)):
            if not part:
                continue
            match = PARTNER.match(part)
            kind = match["type"].strip().lower() if match else ""
            if kind not in EntityType.values:
                raise CellError(
                    _("partner “%(partner)s”: write its type in brackets after its name, one of: %(types)s.")
                    % {"partner": part, "types": ", ".join(EntityType.values)}
                )
            name = match["name"]
            if len(name) > name_field.max_length:
                raise CellError(
                    _("partner “%(partner)s…”: a name has at most %(limit)d characters.")
                    % {"partner": name[:40], "limit": name_field.max_length}
                )
            validate_no_control_characters(name, _("partner"))
            partners.append((name, kind))
        return partners


@dataclass(frozen=True)
class ImportedColumn:
    """A column of the file: where it is, what it sets and how it is read."""

    index: int
    header: str
    attribute: str
    convert: object
    #: The measure's field the column checks itself against, or None for related records (their converters
    #: check them against Reference).
    model_field: object
    #: Where the value goes: the measure's attribute name (party_id…), or a Candidate's list of related records.
    attname: str
    related: bool


def columns_of(headers, converters):
    """The file's columns, from its header; a CellError naming the unknown, repeated or missing columns."""
    specs = {spec.header: spec for spec in IMPORTED}
    names = [header.strip().lower() for header in headers]
    unknown = [name for name in names if name and name not in specs and name not in IGNORED_COLUMNS]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    problems = []
    if unknown:
        problems.append(_("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)})
    if repeated:
        problems.append(_("Columns given twice: %(names)s.") % {"names": ", ".join(repeated)})
    if missing:
        problems.append(_("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
    if problems:
        problems.append(_("The columns an import reads are: %(names)s.") % {"names": ", ".join(specs)})
        raise CellError(" ".join(problems))
    columns = []
    for index, name in enumerate(names):
        if not name or name in IGNORED_COLUMNS:
            continue
        spec = specs[name]
        convert = getattr(converters, spec.write.widget)
        if spec.write.args:
            convert = _bound(convert, spec.write.args)
        field = Measure._meta.get_field(spec.attribute)
        related = field.many_to_many or field.one_to_many  # areas, domains, goals ticked, partners
        columns.append(
            ImportedColumn(
                index,
                spec.header,
                spec.attribute,
                convert,
                model_field=None if field.is_relation else field,
                attname=spec.attribute if related else field.attname,
                related=related,
            )
        )
    return columns


def _bound(convert, args):
    return lambda value: convert(value, *args)


class Importer:
    """Who imports, and so which rows they may import: the secretariat any; a civil-society editor only measures
    reported by civil society for their organisations; a focal point only their Party's."""

    def __init__(self, user):
        self.user = user
        self.is_reviewer = is_reviewer(user)
        self.scope = represented(user)
        self.defaults = workflow.new_measure_defaults(user)

    @property
    def may_import(self):
        return bool(self.user.has_perm("measures.add_measure") and (self.is_reviewer or self.scope))

    def complete(self, values):
        """Fill what the row left empty: who reports it and, for an editor speaking for one, for whom."""
        if values.get("reported_by") is None:
            values["reported_by"] = self.defaults.get("reported_by", ReportedBy.PARTY)
        if values["reported_by"] == ReportedBy.CIVIL_SOCIETY and values.get("organisation_id") is None:
            values["organisation_id"] = self.defaults.get("organisation_id")
        for name in ("evaluated", "language"):
            if values.get(name) is None:
                values[name] = Measure._meta.get_field(name).default

    def refusal(self, values):
        """(column, message) when this user may not import the row, else None."""
        if self.is_reviewer:
            return None
        row = SimpleNamespace(
            reported_by=values["reported_by"],
            organisation_id=values.get("organisation_id"),
            party_id=values.get("party_id"),
        )
        if workflow.speaks_for(self.user, row):
            return None
        if row.reported_by == ReportedBy.CIVIL_SOCIETY:
            if not self.scope.organisation_ids:
                return "reported_by", _("your account imports measures of your Party, reported by it (“party”).")
            return "organisation", _("you can import measures of your own organisation only.")
        if not self.scope.party_ids:
            return "reported_by", _(
                "your account imports measures reported by civil society (“civil_society”) for your organisation."
            )
        return "party", _("you can import measures of your own Party only.")


class RowReader:
    """Reads the rows of one file for one importer."""

    def __init__(self, headers, importer, reference=None):
        self.importer = importer
        self.reference = reference or Reference()
        self.columns = columns_of(headers, Converters(self.reference))

    def read(self, line, cells):
        """A Candidate, or the list of the row's problems."""
        values, related, problems = {}, {}, []
        for column in self.columns:
            cell = cells[column.index] if column.index < len(cells) else ""
            try:
                value = column.convert(cell)
                if column.model_field is not None:
                    value = self.checked(column, value)
            except CellError as error:
                problems.append(Problem(line, column.header, str(error)))
                continue
            except ValidationError as error:
                problems.append(Problem(line, column.header, " ".join(error.messages)))
                continue
            (related if column.related else values)[column.attname] = value
        if problems:
            return problems
        self.importer.complete(values)
        problems = [Problem(line, column, message) for column, message in self.rules(values)]
        if problems:
            return problems
        return Candidate(line, values, **related)

    def checked(self, column, value):
        """The model field's own checks: length, choices, address, range; no control characters."""
        model_field = column.model_field
        if value is None or value == "":
            if not (model_field.blank or model_field.has_default()):
                raise CellError(_("this column must not be empty."))
            return value
        value = model_field.clean(value, None)
        if isinstance(value, str):
            validate_no_control_characters(value, column.header)
        return value

    def rules(self, values):
        """The rules across columns: Measure.clean's, then the importer's reach."""
        if values.get("party_id") is None:
            yield "party", _("every measure needs its Party: give its ISO code (EU for the European Union).")
            return
        if values["reported_by"] == ReportedBy.CIVIL_SOCIETY and values.get("organisation_id") is None:
            yield "organisation", _("a measure reported by civil society needs its reporting organisation.")
        start, end = values.get("period_start"), values.get("period_end")
        if start and end and start > end:
            yield "period_end", _("the end year must not be before the start year.")
        refusal = self.importer.refusal(values)
        if refusal:
            yield refusal
