"""What the Party profile (/parties/<iso3>/) and the comparison of Parties (/parties/compare/) show of each Party:
its published measures by goal, area and report cycle, and its reporting history.

`build_profiles(parties)` reads the same few grouped queries whatever the number of Parties or measures: the
measures counted by (Party, report year, reported by, goals, areas) in one query, then spread over goals and areas
in Python from their stored bits.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.fields import BitSetField
from measures import charts
from measures.models import (
    AreaOfMonitoring,
    Goal,
    Measure,
    PeriodicReport,
    ReportingCycle,
    ShownReportStatus,
)

#: The most Parties one comparison puts side by side.
MOST_COMPARED = 4


def measure_list_url(**params):
    """The /measures/ list filtered by `params`."""
    return f"{reverse('measures:measure-list')}?{urlencode(params, doseq=True)}"


def party_code(party):
    """The value the /measures/ `party` filter (and the comparison) takes for this Party: its ISO3 code, or `eu`."""
    return party.iso3 or party.slug


@dataclass
class Tally:
    """Published measures counted: in all, by civil society, by goal number and by area id."""

    total: int = 0
    civil_society: int = 0
    goals: Counter = field(default_factory=Counter)
    areas: Counter = field(default_factory=Counter)

    def add(self, number, civil_society, goal_numbers, area_ids):
        self.total += number
        if civil_society:
            self.civil_society += number
        for goal_number in goal_numbers:
            self.goals[goal_number] += number
        for area_id in area_ids:
            self.areas[area_id] += number

    def share(self, number):
        """`number` as a whole percentage of this tally's measures."""
        return round(number * 100 / self.total) if self.total else 0


@dataclass
class Framework:
    """The monitoring framework's goals and areas in the reporting form's order, read once."""

    goals: list
    areas: list

    @classmethod
    def load(cls):
        goals = list(Goal.objects.order_by("number"))
        areas = list(AreaOfMonitoring.objects.select_related("goal").order_by("goal__number", "position", "pk"))
        return cls(goals, areas)

    @cached_property
    def goal_by_bit(self):
        return {goal.bit: goal.number for goal in self.goals}

    @cached_property
    def area_by_bit(self):
        return {area.bit: area.pk for area in self.areas}

    def goals_in(self, bits):
        """The numbers of the goals whose bits are set in `bits` (Measure.goal_bits)."""
        return [self.goal_by_bit[bit] for bit in BitSetField.numbers(bits or 0) if bit in self.goal_by_bit]

    def areas_in(self, bits):
        """The ids of the areas whose bits are set in `bits` (Measure.area_bits)."""
        return [self.area_by_bit[bit] for bit in BitSetField.numbers(bits or 0) if bit in self.area_by_bit]

    def areas_of(self, goal):
        return [area for area in self.areas if area.goal_id == goal.pk]


@dataclass
class ReportingStep:
    """One cycle of a Party's reporting history: what is recorded of its report (or ShownReportStatus's
    not recorded / expected where nothing is; no row is made), and its published measures of that cycle."""

    cycle: ReportingCycle
    report: PeriodicReport
    is_overdue: bool
    measure_count: int
    measures_url: str

    @property
    def status_label(self):
        return ShownReportStatus(self.report.status).label

    @property
    def is_on_record(self):
        return self.report.pk is not None and self.report.status not in PeriodicReport.NOT_YET_SUBMITTED


@dataclass
class CycleColumn:
    """One report cycle in the comparison across cycles: its measures and how each figure changed since the
    previous cycle shown."""

    cycle: ReportingCycle
    tally: Tally
    previous: "CycleColumn | None" = None


class PartyProfile:
    """One Party's facts, measures and reporting history, from rows build_profiles() read for several at once."""

    def __init__(self, party, framework, tally, tallies_by_year, reports, cycles, today):
        self.party = party
        self.framework = framework
        self.tally = tally
        self.tallies_by_year = tallies_by_year
        self.reports = reports
        self.cycles = cycles
        self.today = today
        self.code = party_code(party)

    @cached_property
    def reporting_history(self):
        """A ReportingStep per cycle the Party took part in (or has a report recorded for), latest first."""
        steps = []
        for cycle in self.cycles:
            report = self.reports.get(cycle.pk)
            if report is None:
                if not cycle.includes(self.party):
                    continue
                report = PeriodicReport(party=self.party, cycle=cycle, status=cycle.status_without_report)
            else:
                report.cycle = cycle
            steps.append(
                ReportingStep(
                    cycle=cycle,
                    report=report,
                    is_overdue=report.is_overdue(self.today),
                    measure_count=self.tallies_by_year.get(cycle.year, Tally()).total,
                    measures_url=measure_list_url(party=self.code, report_year=cycle.year),
                )
            )
        return steps

    @property
    def timeline(self):
        """The reporting history, earliest first, as it is read along a time line."""
        return list(reversed(self.reporting_history))

    @property
    def reports_on_record(self):
        return sum(1 for step in self.reporting_history if step.is_on_record)

    @cached_property
    def measures_url(self):
        return measure_list_url(party=self.code)

    def goal_rows(self, tally=None):
        tally = tally or self.tally
        return [
            {
                "goal": goal,
                "label": str(goal),
                "count": tally.goals.get(goal.number, 0),
                "share": tally.share(tally.goals.get(goal.number, 0)),
                "url": measure_list_url(party=self.code, goal=goal.number),
            }
            for goal in self.framework.goals
        ]

    def area_rows(self, tally=None):
        tally = tally or self.tally
        return [
            {
                "area": area,
                "label": area.name,
                "count": tally.areas.get(area.pk, 0),
                "share": tally.share(tally.areas.get(area.pk, 0)),
                "url": measure_list_url(party=self.code, area=area.slug),
            }
            for area in self.framework.areas
        ]

    def goal_chart(self):
        return self.chart("goal", _("Published measures by goal"), _("Goal"), self.goal_rows())

    def area_chart(self):
        return self.chart(
            "area", _("Published measures by area of monitoring"), _("Area of monitoring"), self.area_rows()
        )

    @staticmethod
    def chart(key, title, label_header, rows):
        values = [(row["label"], row["count"]) for row in rows]
        return charts.chart(key, title, label_header, values, [row["url"] for row in rows])

    @cached_property
    def cycle_columns(self):
        """The report cycles with published measures, earliest first, each knowing the one before it."""
        columns, previous = [], None
        for cycle in sorted(self.cycles, key=lambda cycle: cycle.year):
            tally = self.tallies_by_year.get(cycle.year)
            if tally is None:
                continue
            previous = CycleColumn(cycle=cycle, tally=tally, previous=previous)
            columns.append(previous)
        return columns

    @property
    def measures_outside_cycles(self):
        """Published measures whose report year is no cycle's year (or not recorded): in no column of the
        comparison across cycles."""
        in_cycles = sum(column.tally.total for column in self.cycle_columns)
        return self.tally.total - in_cycles

    def across_cycles(self):
        """Rows for the comparison across cycles: per goal, then its areas, a cell per cycle column and the change
        from the previous column to the latest."""
        columns = self.cycle_columns
        latest = columns[-1] if columns else None

        def row(label, counts, url, level):
            cells = [
                {"count": count, "share": column.tally.share(count)}
                for count, column in zip(counts, columns, strict=True)
            ]
            change = counts[-1] - counts[-2] if len(counts) > 1 else None
            is_new = len(counts) > 1 and counts[-2] == 0 and counts[-1] > 0
            return {"label": label, "cells": cells, "change": change, "is_new": is_new, "url": url, "level": level}

        rows = [
            row(
                _("All published measures"),
                [column.tally.total for column in columns],
                self.measures_url,
                "total",
            )
        ]
        for goal in self.framework.goals:
            rows.append(
                row(
                    str(goal),
                    [column.tally.goals.get(goal.number, 0) for column in columns],
                    measure_list_url(party=self.code, goal=goal.number),
                    "goal",
                )
            )
            for area in self.framework.areas_of(goal):
                rows.append(
                    row(
                        area.name,
                        [column.tally.areas.get(area.pk, 0) for column in columns],
                        measure_list_url(party=self.code, area=area.slug),
                        "area",
                    )
                )
        new_areas = [row["label"] for row in rows if row["level"] == "area" and row["is_new"]]
        return {"columns": columns, "rows": rows, "latest": latest, "new_areas": new_areas}


def build_profiles(parties, today=None):
    """A PartyProfile for each of `parties`, in their order: five queries, whatever their number."""
    today = today or timezone.localdate()
    party_ids = [party.pk for party in parties]
    framework = Framework.load()
    cycles = list(ReportingCycle.objects.order_by("-year"))
    reports = defaultdict(dict)
    for report in PeriodicReport.objects.filter(party_id__in=party_ids):
        reports[report.party_id][report.cycle_id] = report
    tallies = defaultdict(Tally)
    tallies_by_year = defaultdict(lambda: defaultdict(Tally))
    grouped = (
        Measure.objects.published()
        .filter(party_id__in=party_ids)
        .order_by()
        .values_list("party_id", "report_year", "reported_by", "goal_bits", "area_bits")
        .annotate(number=Count("pk"))
    )
    for party_id, report_year, reported_by, goal_bits, area_bits, number in grouped:
        civil_society = reported_by == Measure.ReportedBy.CIVIL_SOCIETY
        goal_numbers = framework.goals_in(goal_bits)
        area_ids = framework.areas_in(area_bits)
        tallies[party_id].add(number, civil_society, goal_numbers, area_ids)
        if report_year is not None:
            tallies_by_year[party_id][report_year].add(number, civil_society, goal_numbers, area_ids)
    return [
        PartyProfile(
            party,
            framework,
            tallies[party.pk],
            dict(tallies_by_year[party.pk]),
            reports[party.pk],
            cycles,
            today,
        )
        for party in parties
    ]


@dataclass
class Comparison:
    """The Parties a comparison asked for (`party=` codes, in the order given), what was wrong with the request,
    and whether it is a bad request (a code that names no Party, or too many)."""

    parties: list
    messages: list
    asked: list
    is_bad_request: bool = False

    @property
    def is_complete(self):
        return len(self.parties) >= 2


def parties_to_compare(codes):
    """A Comparison of the Parties whose codes (ISO3, or EU; any case) are in `codes`: each named once, at most
    MOST_COMPARED; one query."""
    from measures.models import Party

    asked = [code.strip() for code in codes if code.strip()]
    wanted = {code.lower() for code in asked}
    by_slug = {party.slug: party for party in Party.objects.filter(slug__in=wanted)}
    parties, messages, seen, is_bad = [], [], set(), False
    for code in asked:
        party = by_slug.get(code.lower())
        if party is None:
            messages.append(
                _("“%(code)s” is not the code of a Party recorded here: use a Party's three-letter ISO code, or EU.")
                % {"code": code}
            )
            is_bad = True
        elif party.pk in seen:
            messages.append(_("%(party)s was asked for more than once; it is shown once.") % {"party": party.name})
        else:
            seen.add(party.pk)
            parties.append(party)
    if len(parties) > MOST_COMPARED:
        messages.append(
            _("At most %(number)s Parties can be compared at once: the first %(number)s are shown.")
            % {"number": MOST_COMPARED}
        )
        parties, is_bad = parties[:MOST_COMPARED], True
    if asked and len(parties) < 2:
        messages.append(_("Choose at least two Parties to compare."))
    return Comparison(parties=parties, messages=messages, asked=asked, is_bad_request=is_bad)


def text_cell(value, url=""):
    return {"kind": "text", "value": value, "url": url}


def date_cell(value, missing):
    return {"kind": "date", "value": value} if value else {"kind": "missing", "value": missing}


def bar_cell(count, share, url):
    return {"kind": "bar", "value": count, "share": share, "url": url}


def comparison_rows(profiles):
    """The comparison's table: sections of rows, one row per fact, a cell per Party (in the order of `profiles`)."""
    if not profiles:
        return []
    not_recorded = _("Not recorded in the sources")
    facts = [
        (_("Kind"), [text_cell(profile.party.get_kind_display()) for profile in profiles]),
        (
            _("Party since (entry into force)"),
            [date_cell(profile.party.entry_into_force, _("not documented")) for profile in profiles],
        ),
        (
            _("Date of deposit"),
            [date_cell(profile.party.deposit_date, _("not documented")) for profile in profiles],
        ),
        (
            _("Instrument"),
            [text_cell(profile.party.get_instrument_display() or not_recorded) for profile in profiles],
        ),
        (
            _("Electoral group"),
            [text_cell(profile.party.get_electoral_group_display() or not_recorded) for profile in profiles],
        ),
        (
            _("UNESCO region"),
            [text_cell(profile.party.get_unesco_region_display() or not_recorded) for profile in profiles],
        ),
    ]
    reporting = [
        (_("Periodic reports on record"), [text_cell(profile.reports_on_record) for profile in profiles]),
    ]
    steps = [{step.cycle.year: step for step in profile.reporting_history} for profile in profiles]
    for cycle in profiles[0].cycles:
        if any(cycle.year in by_year for by_year in steps):
            reporting.append(
                (
                    _("Report of the %(year)s cycle") % {"year": cycle.year},
                    [
                        {"kind": "status", "step": by_year[cycle.year], "party": profile.party}
                        if cycle.year in by_year
                        else {"kind": "missing", "value": _("not a Party in this cycle")}
                        for profile, by_year in zip(profiles, steps, strict=True)
                    ],
                )
            )
    measures = [
        (
            _("Published measures"),
            [text_cell(profile.tally.total, profile.measures_url) for profile in profiles],
        ),
        (
            _("Reported by civil society"),
            [
                bar_cell(
                    profile.tally.civil_society,
                    profile.tally.share(profile.tally.civil_society),
                    measure_list_url(party=profile.code, reported_by=Measure.ReportedBy.CIVIL_SOCIETY),
                )
                for profile in profiles
            ],
        ),
    ]
    goal_rows = [profile.goal_rows() for profile in profiles]
    by_goal = [
        (str(goal), [bar_cell(rows[index]["count"], rows[index]["share"], rows[index]["url"]) for rows in goal_rows])
        for index, goal in enumerate(profiles[0].framework.goals)
    ]
    area_rows = [profile.area_rows() for profile in profiles]
    by_area = [
        (area.name, [bar_cell(rows[index]["count"], rows[index]["share"], rows[index]["url"]) for rows in area_rows])
        for index, area in enumerate(profiles[0].framework.areas)
    ]
    return [
        {"key": "facts", "heading": _("Facts"), "rows": facts},
        {"key": "reporting", "heading": _("Periodic reports"), "rows": reporting},
        {"key": "measures", "heading": _("Published measures"), "rows": measures},
        {"key": "goals", "heading": _("Published measures by goal"), "rows": by_goal},
        {"key": "areas", "heading": _("Published measures by area of monitoring"), "rows": by_area},
    ]
