"""The columns of the Parties list's and the reporting-status table's downloads (CSV and XLSX), one list each.

A column's name is its CSV header, a stable English identifier: new columns go at the end. Its label heads the
XLSX column in the page's language; codes (electoral group, instrument, status...) are written as they are in
the CSV and as their labels in the XLSX (core/spreadsheets.py). docs/downloads.md shows these lists
(tests/downloads/test_docs.py checks it).
"""

from django.utils.translation import gettext_lazy as _

from core.choices import RecordLanguage
from core.spreadsheets import Column, attribute, choice
from measures.models import ElectoralGroup, Instrument, PartyKind, ReportEvidence, ShownReportStatus


def page(row):
    return row.get_absolute_url()


PARTIES = (
    Column("name", _("Party"), attribute("name"), width=32, help="the Party's name in the language of the address"),
    Column("iso3", _("ISO code"), attribute("iso3"), width=10, help="ISO 3166-1 alpha-3; empty for the European Union"),
    Column("kind", _("Kind"), **choice("kind", PartyKind), width=24, help="`state` or `reio` (the European Union)"),
    Column(
        "electoral_group",
        _("Electoral group"),
        **choice("electoral_group", ElectoralGroup),
        width=34,
        help="UNESCO electoral group: `I`, `II`, `III`, `IV`, `Va`, `Vb`; empty where none is recorded",
    ),
    Column(
        "instrument",
        _("Instrument"),
        **choice("instrument", Instrument),
        width=28,
        help="`ratification`, `acceptance`, `approval`, `accession`, `ratification_acceptance_or_approval`; "
        "empty where the sources give the date but not the instrument",
    ),
    Column(
        "deposit_date",
        _("Date of deposit"),
        attribute("deposit_date"),
        width=14,
        help="ISO date; empty where the sources do not document it",
    ),
    Column(
        "entry_into_force",
        _("Entry into force"),
        attribute("entry_into_force"),
        width=14,
        help="ISO date (Article 29); empty where the date of deposit is not documented",
    ),
    Column(
        "published_measures",
        _("Published measures"),
        attribute("measure_count"),
        width=12,
        help="the number of the Party's published measures",
    ),
    Column("url", _("page on the portal"), page, width=42, address=True, help="the Party's page, absolute"),
)


REPORTS = (
    Column("cycle", _("Reporting cycle"), attribute("cycle_year"), width=12, help="the cycle's year"),
    Column("party", _("Party"), attribute("name"), width=32, help="the Party's name in the language of the address"),
    Column("iso3", _("ISO code"), attribute("iso3"), width=10, help="ISO 3166-1 alpha-3; empty for the European Union"),
    Column(
        "electoral_group",
        _("Electoral group"),
        **choice("electoral_group", ElectoralGroup),
        width=34,
        help="UNESCO electoral group: `I`, `II`, `III`, `IV`, `Va`, `Vb`; empty where none is recorded",
    ),
    Column(
        "status",
        _("Status"),
        **choice("report_status", ShownReportStatus),
        width=16,
        help="what the portal records of the report: `not_recorded` (no record: not a sign that no report was "
        "submitted), `expected`, `draft`, `submitted`, `transmitted`, `published`",
    ),
    Column(
        "overdue",
        _("Overdue"),
        attribute("is_overdue"),
        width=10,
        help="`yes` for an expected report (or a draft) whose deadline has passed, else `no`",
    ),
    Column(
        "submission_date",
        _("submission date"),
        attribute("report_submission_date"),
        width=14,
        help="ISO date, where a source gives the exact day",
    ),
    Column(
        "submission_year",
        _("submission year"),
        attribute("report_submission_year"),
        width=12,
        help="the year a source gives, where it gives no exact day",
    ),
    Column(
        "language",
        _("Language"),
        **choice("report_language", RecordLanguage),
        width=14,
        help="language code of the report (`en`, `fr`, `es`...), where recorded",
    ),
    Column(
        "evidence",
        _("evidence"),
        **choice("report_evidence", ReportEvidence),
        width=40,
        help="what shows the submission: `report_page`, `measure_page_report_year`, `civil_society_contribution`",
    ),
    Column("source_url", _("Source"), attribute("report_source_url"), width=42, help="the source's address"),
    Column(
        "published_measures",
        _("Published measures"),
        attribute("cycle_measure_count"),
        width=12,
        help="the Party's published measures whose report year is the cycle's year",
    ),
    Column("url", _("page on the portal"), page, width=42, address=True, help="the Party's page, absolute"),
)
