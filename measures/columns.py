"""A measure's columns, written once: the public CSV export, the bulk import (imports/rows.py), the admin's export
(measures/resources.py) and the JSON API's MeasureSerializer (api/serializers.py) are all built from COLUMNS.

A column has a name (the CSV header), a label, and up to three ways of being used:

- `read`: how the CSV export writes it. The export reads the measures as tuples of plain values and applies one
  converter per column, so `read` names a field of that tuple and a converter of `measures.export.Cells`;
  fields keyed by the measure itself (its url, goals, partners...) read "pk". The XLSX export for people
  (measures/export_xlsx.py) reads the same columns, headed by their `label`, with converters of the same names.
- `write`: how an import reads it: its header in the file, the model attribute it sets and the kind of cell (a
  converter of `imports.rows.Converters`, which the admin's export renders with the widget of the same name in
  `measures.resources.WIDGETS`), with the converter's arguments.
- `api`: the MeasureSerializer field that exposes it; the serializer declares how.

COLUMNS is in the CSV export's order: its headers are stable identifiers scripts rely on, so a new column goes
at the end. The import file and the API take the columns in that order too, but for a few they placed
elsewhere before this module: for those, `write.after` and `api_after` name the column they follow there. The
documentation's table of import columns follows IMPORTED (tests/measures/test_columns.py checks it).

The converters and widgets are named, not imported: measures/export.py, measures/resources.py and imports/rows.py
read this module, and the converters and widgets live in them.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from measures.models import AreaOfMonitoring, CulturalDomain, Evaluated, Goal, Organisation, RecordLanguage, ReportedBy


@dataclass(frozen=True)
class Read:
    """The CSV cell: the converter `cell` (an attribute of measures.export.Cells) applied to the measure's `field`.
    Where the CSV writes one of the portal's identifiers, `choices` (TextChoices) give the label the XLSX export
    shows instead (measures/export_xlsx.py)."""

    field: str
    cell: str
    choices: type | None = None


@dataclass(frozen=True)
class Write:
    """The import: the widget kind `widget` built with `args`, reading the file's column `header` into the
    measure's `attribute` (both default to the column's name); in the file, after the column named `after`."""

    widget: str
    args: tuple = ()
    header: str = ""
    attribute: str = ""
    after: str = ""
    #: What the cell holds, for the documentation's table and the import page (imports/columns_doc.py).
    help: Promise | str = ""


@dataclass(frozen=True)
class Column:
    name: str
    label: Promise
    read: Read | None = None
    write: Write | None = None
    api: str | None = None
    api_after: str = ""

    @property
    def header(self):
        """The column's header in an import file."""
        return self.write.header or self.name

    @property
    def attribute(self):
        """The measure's attribute an import sets."""
        return self.write.attribute or self.header


def text(field, help=None):
    """Free text, in the CSV, an import and the API."""
    return {"read": Read(field, "text"), "write": Write("text", help=help or _("text")), "api": field}


def year(field, help):
    return {"read": Read(field, "year"), "write": Write("integer", help=help), "api": field}


def flag(field):
    """A yes/no column, whose CSV header drops the model's `is_`."""
    help = _("`yes` or `no` (also `true`/`false`, `1`/`0`); empty means no")
    return {"read": Read(field, "flag"), "write": Write("flag", header=field, help=help), "api": field}


def choice(field, choices, default):
    """One of the portal's own identifiers: written as it is, read with `default` for an empty cell."""
    help = format_lazy(
        _("one of {choices}; empty means `{default}`"),
        choices=", ".join(f"`{value}`" for value in choices.values),
        default=default,
    )
    return {
        "read": Read(field, "code", choices),
        "write": Write("choice", (choices, default), help=help),
        "api": field,
    }


def many(name, model, key, after, api_after, help, attribute=""):
    """Related records, by `key` in an import (several separated by "|"), by name in the CSV."""
    return {
        "read": Read("pk", name),
        "write": Write("many", (model, key), attribute=attribute, after=after, help=help),
        "api": name,
        "api_after": api_after,
    }


COLUMNS = (
    Column("id", _("identifier"), Read("pk", "code"), api="id"),
    Column("url", _("page on the portal"), Read("pk", "url"), api="url"),
    Column("api_url", _("address in the API"), api="api_url"),
    Column("title", _("title"), **text("title", _("required; at most 500 characters"))),
    Column(
        "party",
        _("Party"),
        Read("party_id", "party"),
        Write("party", help=_("required: the ISO 3166-1 alpha-3 code, e.g. `CAN`; `EU` for the European Union")),
        api="party",
    ),
    Column("party_iso3", _("ISO code"), Read("party_id", "party_iso3")),
    Column("electoral_group", _("Electoral group"), Read("party_id", "electoral_group")),
    Column(
        "reported_by", _("reported by"), **choice("reported_by", ReportedBy, ReportedBy.PARTY), api_after="organisation"
    ),
    Column(
        "organisation",
        _("reporting organisation"),
        Read("organisation_id", "organisation"),
        Write(
            "slug",
            (Organisation,),
            help=_(
                "the organisation's key, e.g. `cdce`; required when `reported_by` is `civil_society` (a "
                "civil-society editor may leave it empty for their organisation)"
            ),
        ),
        api="organisation",
    ),
    Column("report_year", _("report year"), **year("report_year", _("the year of the report, e.g. `2024`"))),
    Column("period_start", _("start year"), **year("period_start", _("a year"))),
    Column("period_end", _("end year"), **year("period_end", _("a year; empty for an ongoing measure"))),
    # An import reads the goals ticked directly; the export's goals add those of the measure's areas.
    Column(
        "goals",
        _("goals"),
        **many(
            "goals",
            Goal,
            "number",
            "areas",
            "evaluation_findings",
            _("goal numbers ticked directly, separated by `|` (the areas' goals are added anyway)"),
            "goals_ticked",
        ),
    ),
    Column(
        "areas",
        _("areas of monitoring"),
        **many(
            "areas",
            AreaOfMonitoring,
            "slug",
            "evaluation_findings",
            "goals",
            _("area keys separated by `|`, e.g. `media-diversity|digital-environment`"),
        ),
    ),
    Column(
        "domains",
        _("cultural domains"),
        **many(
            "domains",
            CulturalDomain,
            "slug",
            "goals",
            "areas",
            _("domain keys separated by `|`, e.g. `music|publishing`"),
        ),
    ),
    Column("main_features", _("Describe the main features of the measure/initiative"), **text("main_features")),
    Column(
        "results",
        _("What are the results achieved so far through the implementation of the measure/initiative?"),
        **text("results"),
    ),
    Column(
        "financial_resources",
        _("Financial resources allocated"),
        **text("financial_resources", _("text, as the source gives it")),
    ),
    Column(
        "financial_resources_usd",
        _("financial resources in USD"),
        Read("financial_resources_usd", "text"),
        Write("decimal", help=_("a plain number, e.g. `125000.00`")),
        api="financial_resources_usd",
    ),
    Column(
        "partners",
        _("partners"),
        Read("pk", "partners"),
        Write(
            "partners",
            after="domains",
            help=_(
                "partners separated by `|`, each “name (type)”, the type one of `public`, `private`, "
                "`civil_society`, `international`, `other`"
            ),
        ),
        api="partners",
        api_after="domains",
    ),
    Column("outcomes", _("outcomes"), api="outcomes", api_after="partners"),
    Column(
        "evaluated", _("Has the implementation been evaluated?"), **choice("evaluated", Evaluated, Evaluated.UNKNOWN)
    ),
    Column("evaluation_findings", _("evaluation findings"), **text("evaluation_findings")),
    Column("youth", _("youth"), **flag("is_youth")),
    Column("preferential_treatment", _("preferential treatment"), **flag("is_preferential_treatment")),
    Column("innovative_practice", _("innovative practice"), **flag("is_innovative")),
    Column("language", _("language of the record"), **choice("language", RecordLanguage, RecordLanguage.ENGLISH)),
    Column("source_url", _("source"), **text("source_url", _("a web address (http or https)"))),
    Column("published_at", _("published"), Read("published_at", "timestamp"), api="published_at"),
    Column("updated_at", _("last updated"), Read("updated_at", "timestamp"), api="updated_at"),
    # "yes" for the examples generate_demo_data invents.
    Column("is_synthetic", _("Synthetic example"), Read("is_synthetic", "flag"), api="is_synthetic"),
)


def in_order(columns, after):
    """`columns` in COLUMNS' order, except those for which `after(column)` names another column: each of those
    right after that one. An error if it names no column of `columns`."""
    placed = [column for column in columns if not after(column)]
    waiting = [column for column in columns if after(column)]
    while waiting:
        names = [column.name for column in placed]
        ready = [column for column in waiting if after(column) in names]
        if not ready:
            unknown = sorted({after(column) for column in waiting})
            raise ImproperlyConfigured(f"measures/columns.py: no column {unknown} to place columns after.")
        for column in ready:
            placed.insert(names.index(after(column)) + 1, column)
            names.insert(names.index(after(column)) + 1, column.name)
            waiting.remove(column)
    return tuple(placed)


#: The columns of the public CSV export, in its order.
EXPORTED = tuple(column for column in COLUMNS if column.read)
#: The columns an import reads, in the order of the sample file and the documentation's table.
IMPORTED = in_order([column for column in COLUMNS if column.write], lambda column: column.write.after)
#: The columns the API shows, in the order of its responses.
IN_API = in_order([column for column in COLUMNS if column.api], lambda column: column.api_after)
