"""The measures app's real reference data: Parties, the monitoring framework, cycles, seed records.

Loaded by `manage.py load_reference_data`; every record is keyed on a stable code and updated in place.
"""

import csv
import datetime
import gettext
import json
from pathlib import Path

import pycountry

from core.translation import columns_from
from measures.models import (
    AreaOfMonitoring,
    CulturalDomain,
    Goal,
    Measure,
    Organisation,
    OrganisationMembership,
    Party,
    PartyCount,
    PeriodicReport,
    ReportingCycle,
    ReportStatus,
)
from measures.search import update_search_vector

DATA_DIR = Path(__file__).resolve().parent / "data"
PARTIES_CSV = DATA_DIR / "parties.csv"
REPORTS_CSV = DATA_DIR / "reports.csv"
FRAMEWORK_JSON = DATA_DIR / "framework.json"
REFERENCE_JSON = DATA_DIR / "reference.json"

# pycountry has no entry for the European Union, which is not a country.
EUROPEAN_UNION_NAMES = {"fr": "Union européenne", "es": "Unión Europea"}


def parse_date(value):
    return datetime.date.fromisoformat(value) if value else None


def read_json(path):
    return json.loads(path.read_text(encoding="utf-8"))


class CountryNameTranslator:
    """French and Spanish short names from the ISO 3166 translations that pycountry ships."""

    def __init__(self, languages=("fr", "es")):
        self.catalogues = {
            language: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
            for language in languages
        }

    def name(self, iso3, language):
        country = pycountry.countries.get(alpha_3=iso3)
        if country is None:
            return ""
        return self.catalogues[language].gettext(country.name)


def load():
    """Load everything; return a one-line summary."""
    parties = load_parties()
    framework = read_json(FRAMEWORK_JSON)
    load_framework(framework)
    load_cycles(framework["cycles"])
    reports = load_reports()
    reference = read_json(REFERENCE_JSON)
    load_party_counts(reference["party_counts"])
    organisations = load_organisations(reference)
    measures = load_measures(reference["measures"])
    return (
        f"{parties} Parties, {Goal.objects.count()} goals, {AreaOfMonitoring.objects.count()} areas, "
        f"{CulturalDomain.objects.count()} domains, {ReportingCycle.objects.count()} reporting cycles, "
        f"{reports} submitted reports, {organisations} organisations, {measures} measures"
    )


PARTY_FIELDS = (
    "iso3",
    "name_en",
    "name_fr",
    "name_es",
    "kind",
    "instrument",
    "deposit_date",
    "entry_into_force",
    "electoral_group",
    "unesco_region",
    "source_url",
)


def party_from_row(row, translator):
    iso3 = row["iso3"].strip().upper()
    names = {lang: translator.name(iso3, lang) for lang in ("fr", "es")} if iso3 else EUROPEAN_UNION_NAMES
    return Party(
        slug=iso3.lower() if iso3 else Party.EU_SLUG,
        iso3=iso3,
        name_en=row["name"],
        name_fr=names["fr"],
        name_es=names["es"],
        kind=Party.Kind.REIO if row["kind"] == "reio" else Party.Kind.STATE,
        instrument=row["instrument"],
        deposit_date=parse_date(row["deposit_date"]),
        entry_into_force=parse_date(row["entry_into_force"]),
        electoral_group=row["electoral_group"],
        unesco_region=row["unesco_region"],
        source_url=row["source"],
    )


def load_parties():
    """Every row of the CSV, in three queries: what exists, what to add, what changed."""
    translator = CountryNameTranslator()
    with PARTIES_CSV.open(encoding="utf-8", newline="") as handle:
        wanted = [party_from_row(row, translator) for row in csv.DictReader(handle)]
    existing = Party.objects.in_bulk([party.slug for party in wanted], field_name="slug")
    changed = []
    for party in wanted:
        current = existing.get(party.slug)
        if current is None:
            continue
        party.pk = current.pk
        if any(getattr(current, field) != getattr(party, field) for field in PARTY_FIELDS):
            changed.append(party)
    Party.objects.bulk_create([party for party in wanted if party.slug not in existing])
    Party.objects.bulk_update(changed, PARTY_FIELDS)
    return len(wanted)


def translated_names(item):
    return {"name_en": item["name_en"], "name_fr": item["name_fr"], "name_es": item["name_es"]}


def load_framework(framework):
    goals = {}
    for item in framework["goals"]:
        goals[item["number"]], _ = Goal.objects.update_or_create(number=item["number"], defaults=translated_names(item))
    for position, item in enumerate(framework["areas"], start=1):
        AreaOfMonitoring.objects.update_or_create(
            slug=item["slug"],
            defaults={**translated_names(item), "goal": goals[item["goal"]], "position": position},
        )
    for position, item in enumerate(framework["domains"], start=1):
        CulturalDomain.objects.update_or_create(
            slug=item["slug"], defaults={**translated_names(item), "position": position}
        )


def load_cycles(cycles):
    for item in cycles:
        ReportingCycle.objects.update_or_create(
            year=item["year"],
            defaults={
                "deadline": parse_date(item["deadline"]),
                "every_party_expected": item.get("every_party_expected", False),
            },
        )


def load_reports():
    """The reports the sources show as submitted, each in the cycle its year belongs to
    (ReportingCycle.objects.for_submission_year).

    A report already recorded for that Party and cycle keeps what the secretariat recorded: only its empty
    facts are filled in, and a status that says it is still to come becomes *submitted*, since a source
    shows it was.
    """
    parties = {party.name_en: party for party in Party.objects.all()}
    with REPORTS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        year = int(row["submitted_year"])
        facts = {"submission_year": year, "evidence": row["evidence"], "source_url": row["source"]}
        report, created = PeriodicReport.objects.get_or_create(
            party=parties[row["party"]],
            cycle=ReportingCycle.objects.for_submission_year(year),
            defaults={**facts, "status": ReportStatus.SUBMITTED},
        )
        if created:
            continue
        changed = [name for name, value in facts.items() if not getattr(report, name)]
        for name in changed:
            setattr(report, name, facts[name])
        if report.status in PeriodicReport.NOT_YET_SUBMITTED:
            report.status = ReportStatus.SUBMITTED
            changed.append("status")
        if changed:
            report.save(update_fields=changed)
    return len(rows)


def load_party_counts(items):
    for item in items:
        PartyCount.objects.update_or_create(
            as_of=parse_date(item["as_of"]),
            defaults={
                **columns_from(item, "basis"),
                "at_least": item["at_least"],
                "sources": "\n".join(item["sources"]),
            },
        )


def load_organisations(reference):
    for item in reference["organisations"]:
        Organisation.objects.update_or_create(
            slug=item["slug"],
            defaults={
                **columns_from(item, "name", "acronym", "description"),
                "kind": item["kind"],
                "country": Party.objects.get(iso3=item["country"]) if item["country"] else None,
                "founding_year": item["founding_year"],
            },
        )
    for item in reference["memberships"]:
        OrganisationMembership.objects.update_or_create(
            member=Organisation.objects.get(slug=item["member"]),
            organisation=Organisation.objects.get(slug=item["organisation"]),
            defaults={
                "is_member": OrganisationMembership.Role.MEMBER in item["roles"],
                "holds_secretariat": OrganisationMembership.Role.SECRETARIAT in item["roles"],
            },
        )
    return len(reference["organisations"])


def load_measures(items):
    loaded = []
    for item in items:
        measure, _ = Measure.objects.update_or_create(
            party=Party.objects.get(iso3=item["party"]),
            title=item["title"],
            report_year=item["report_year"],
            defaults={
                "reported_by": item["reported_by"],
                "organisation": Organisation.objects.get(slug=item["organisation"]) if item["organisation"] else None,
                "period_start": item["period_start"],
                "period_end": item["period_end"],
                "main_features": item["main_features"],
                "results": item["results"],
                "language": item["language"],
                "source_url": item.get("source_url", ""),
                "status": item["status"],
            },
        )
        measure.areas.set(AreaOfMonitoring.objects.filter(slug__in=item["areas"]))
        measure.domains.set(CulturalDomain.objects.filter(slug__in=item["domains"]))
        loaded.append(measure.pk)
    update_search_vector(Measure.objects.filter(pk__in=loaded))
    return len(items)
