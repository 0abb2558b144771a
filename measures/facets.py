"""Counting the facets of the measures list and charts: how many measures each option of MeasureFilter's
facets has, under the other active filters (facet_counts) or under all of them (counts), in one query.

The facets of the filters not in use count the same measures: a few grouped scans of them (COLUMN_GROUPS)
serve them all, added up in Python. Each active filter's facet counts the measures without that filter. The
scans are one UNION ALL, its branches padded with typed NULLs (TypedNull) to the same columns. Under a full-text
search on PostgreSQL, the branches that search are counted apart, each set of measures in one pass through the
GIN index (searched_rows).

Typical use::

    facets = MeasureFacets(MeasureFilter(request.GET))
    counts = facets.cached_facet_counts()
    total, by_facet = facets.total(counts), facets.facets(counts)
"""

from dataclasses import dataclass, field

from django.db import connections
from django.db.models import BigIntegerField, BooleanField, CharField, Count, F, IntegerField, Value
from django.utils.functional import cached_property

from convention_portal import page_cache
from core.fields import BitSetField
from core.filters import as_list
from core.text import folded
from measures import search
from measures.filters import TRUE
from measures.models import FACET_GROUP_INDEXES, ElectoralGroup, Measure, RecordLanguage

#: The facet key under which facet_counts() gives the number of results without each active filter.
WITHOUT = "_without"
#: The branch of facet_counts() that counts the measures under every active filter.
SHARED = "_shared"
#: The key under WITHOUT of the number of real records (not synthetic) among the results, with count_real.
REAL = "_real"

#: The measure column each facet counts by (the electoral group is read from the Party in Python).
FACET_COLUMNS = {
    "party": "party_id",
    "region": "party_id",
    "goal": "goal_bits",
    "area": "area_bits",
    "domain": "domain_bits",
    "reported_by": "reported_by",
    "report_year": "report_year",
    "youth": "is_youth",
    "preferential": "is_preferential_treatment",
    "innovative": "is_innovative",
    "language": "language",
}

#: Filters shown as facets: each option is counted under the other active filters.
FACETS = tuple(FACET_COLUMNS)

#: Columns counted together, in one grouped scan, for the facets of the filters not in use: each group has few
#: enough distinct combinations (about 130, 16, 650 and 150 over 40,000 measures) that one scan costs little
#: more than a scan per column, and its rows are few to add up. They are the columns of the small indexes kept
#: for them, in their order.
INDEXED_GROUPS = tuple(
    tuple(Measure._meta.get_field(name).attname for name in fields) for fields in FACET_GROUP_INDEXES.values()
)
#: ...and a group of its own for a facet column that no such index holds, which would read the table (none today:
#: a facet column added later belongs in an index of FACET_GROUP_INDEXES).
COLUMN_GROUPS = INDEXED_GROUPS + tuple(
    (column,)
    for column in dict.fromkeys(FACET_COLUMNS.values())
    if not any(column in group for group in INDEXED_GROUPS)
)

COLUMN_TYPES = {
    "party_id": IntegerField(),
    "reported_by": CharField(),
    "is_youth": BooleanField(),
    "is_preferential_treatment": BooleanField(),
    "is_innovative": BooleanField(),
    "goal_bits": BigIntegerField(),
    "area_bits": BigIntegerField(),
    "domain_bits": BigIntegerField(),
    "report_year": IntegerField(),
    "language": CharField(),
}


class TypedNull(Value):
    """NULL of a given type, left out of GROUP BY as any constant is (a bare NULL in a UNION would be taken
    for text)."""

    def __init__(self, output_field):
        super().__init__(None, output_field=output_field)

    def as_sql(self, compiler, connection):
        return f"CAST(NULL AS {self.output_field.cast_db_type(connection)})", []


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    """One filter with its options, each counted under the other active filters."""

    name: str
    label: str
    options: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def selected(self):
        return [option for option in self.options if option.selected]


class MeasureFacets:
    """The facet counts of a MeasureFilter's measures.

    With `count_real`, facet_counts() and counts() also count, in the same query, the real records among the
    results (not synthetic examples; real_count() reads it): pages ask for it while synthetic examples exist.
    """

    def __init__(self, filterset, *, count_real=False):
        self.filterset = filterset
        self.count_real = count_real

    # Reference data, one query each, only when needed (the filterset's, shared with its validation).

    @cached_property
    def parties_by_id(self):
        return {party.pk: party for party in self.filterset.parties.values()}

    @cached_property
    def keys_by_bit(self):
        """{facet: {bit: option key}} for the facets counted from bits."""
        filterset = self.filterset
        return {
            "goal": {goal.bit: str(goal.number) for goal in filterset.goals},
            "area": {area.bit: area.slug for area in filterset.areas},
            "domain": {domain.bit: domain.slug for domain in filterset.domains},
        }

    # Counts.

    def facet_counts(self):
        """{facet: {option key (str): count}}, each option counted under every other active filter, and under
        WITHOUT, for each active filter, how many results there would be without it; one query."""
        active = self.filterset.active
        return self.count(
            [name for name in FACETS if name not in active],
            [
                *(
                    (
                        name,
                        self.filterset.queryset_without(name),
                        (FACET_COLUMNS[name],) if name in FACET_COLUMNS else (),
                    )
                    for name in active
                ),
                *self.real_branches(),
            ],
        )

    def counts(self, names=FACETS):
        """{facet: {option key (str): count}} over the results themselves, every active filter applied (for
        charts, where facet_counts() would count each option under the other filters only); one query. Only the
        facets in `names` are counted (the others are empty): a chart asks for those it draws."""
        return self.count(names, self.real_branches())

    def real_branches(self):
        """With count_real, the branch of count() that counts the real records among the results (under WITHOUT)."""
        if not self.count_real:
            return []
        return [(REAL, self.filterset.queryset_without().filter(is_synthetic=False), ())]

    def real_count(self, counts):
        """How many of the results are real records, not synthetic examples, from counts made with count_real."""
        return counts[WITHOUT].get(REAL, 0)

    def count(self, shared_names, branches=()):
        """Counts of the options of `shared_names` over the results, plus those of `branches`, (label,
        measures, columns) triples whose label is a facet (its options are counted) or any active filter (the
        number of measures is added up under WITHOUT)."""
        shared_columns = {FACET_COLUMNS[name] for name in shared_names}
        branches = [
            *(
                (SHARED, self.filterset.queryset_without(), group)
                for group in COLUMN_GROUPS
                if shared_columns.intersection(group)
            ),
            *branches,
        ]
        rows = []
        if self.searched_in_one_pass():
            # Under a full-text search, the branches that search count from one pass each (searched_rows()).
            rows = self.searched_rows([branch for branch in branches if branch[0] != "q"])
            branches = [branch for branch in branches if branch[0] == "q"]
        if branches:
            parts = [
                measures.order_by()
                .values(
                    branch=Value(label),
                    **{
                        f"by_{column}": F(column) if column in columns else TypedNull(output_field)
                        for column, output_field in COLUMN_TYPES.items()
                    },
                )
                .annotate(n=Count("*"))
                for label, measures, columns in branches
            ]
            union = parts[0].union(*parts[1:], all=True)
            # Read as plain rows: a few thousand of them, which Django's per-value converters would slow down.
            with connections[union.db].cursor() as cursor:
                cursor.execute(*union.query.sql_with_params())
                rows += cursor.fetchall()

        counts = {name: {} for name in (*FACETS, WITHOUT)}
        position = {column: index for index, column in enumerate(COLUMN_TYPES, start=1)}
        shared = [(name, position[FACET_COLUMNS[name]]) for name in shared_names]
        keys = {}  # (facet, column value): its options, worked out once per value
        for row in rows:
            label, number = row[0], row[-1]
            if label == SHARED:
                names = shared
            else:
                names = [(label, position[FACET_COLUMNS[label]])] if label in FACET_COLUMNS else []
                counts[WITHOUT][label] = counts[WITHOUT].get(label, 0) + number
            for name, index in names:
                value = row[index]
                if value is None:
                    continue
                options = keys.get((name, value))
                if options is None:
                    options = keys[name, value] = self.facet_keys(name, value)
                tally = counts[name]
                for key in options:
                    tally[key] = tally.get(key, 0) + number
        return counts

    def searched_in_one_pass(self):
        """Whether the branches under the full-text search (all but the one without `q`) are counted by
        searched_rows(): on PostgreSQL, when `q` is in use."""
        filterset = self.filterset
        return bool(filterset.active.get("q")) and search.uses_search_vector(filterset.queryset)

    def searched_rows(self, branches):
        """The rows count() reads, for branches that all search the text (label, measures, columns; SHARED
        branches, one per column group, share their measures).

        Each branch filtering on the text would otherwise be planned as a scan of every published measure that
        reads (and decompresses) the search vector of each, several times over: common words took 300 ms to a
        second. Here each set of measures is read once, through the GIN index (a bitmap, which needs no vector:
        search.matches_from_index), and grouped by every column group it counts at once (GROUPING SETS). Same rows
        as the UNION of count(): the columns a grouping set leaves out are NULL."""
        shared = [columns for label, _measures, columns in branches if label == SHARED]
        queries = [(SHARED, measures, shared) for label, measures, _columns in branches[:1] if label == SHARED]
        queries += [(label, measures, [columns]) for label, measures, columns in branches if label != SHARED]
        connection = connections[self.filterset.queryset.db]
        statements, params = [], []
        for label, measures, groups in queries:
            sql, inner_params = measures.order_by().values(*COLUMN_TYPES).query.sql_with_params()
            grouped = {column for group in groups for column in group}
            columns = ", ".join(
                f"m.{column}" if column in grouped else f"CAST(NULL AS {field.cast_db_type(connection)})"
                for column, field in COLUMN_TYPES.items()
            )
            sets = ", ".join(f"({', '.join(group)})" for group in groups if group)
            group_by = f" GROUP BY GROUPING SETS ({sets})" if sets else ""
            statements.append(f"(SELECT %s, {columns}, COUNT(*) FROM ({sql}) m{group_by})")
            params += [label, *inner_params]
        with search.matches_from_index(queries[0][1]), connection.cursor() as cursor:  # every branch searches
            cursor.execute(" UNION ALL ".join(statements), params)
            return cursor.fetchall()

    def facet_keys(self, name, value):
        """The options of facet `name` a measure has, from its value in the facet's column (FACET_COLUMNS)."""
        if name == "party":
            return [self.parties_by_id[value].slug.upper()]
        if name == "region":
            return [self.parties_by_id[value].electoral_group]
        if name in self.keys_by_bit:
            keys = self.keys_by_bit[name]
            return [keys[bit] for bit in BitSetField.numbers(value) if bit in keys]
        if name in ("reported_by", "report_year", "language"):
            return [str(value)]
        return [TRUE] if value else []

    def cached_facet_counts(self):
        """facet_counts(), shared by every page, sort order and language of the same filters until the data
        changes: paging through results or switching language does not count them again."""
        filters = sorted((name, repr(value)) for name, value in self.filterset.active.items())
        parts = (str(self.filterset.queryset.query), filters, self.count_real)
        return page_cache.remember("measure-facets", parts, self.facet_counts)

    def total(self, counts):
        """The number of results, read from facet counts: every measure has exactly one `reported_by`, and
        that facet is counted under every other filter, so no separate COUNT query is needed."""
        by_reporter = counts["reported_by"]
        chosen = self.filterset.active.get("reported_by")
        return by_reporter.get(chosen, 0) if chosen else sum(by_reporter.values())

    def facets(self, counts=None):
        """{name: Facet} for every facet, in the page's language. Parties, report years and languages of the
        record without any measure under the other filters are left out unless selected."""
        counts = self.facet_counts() if counts is None else counts
        filterset = self.filterset
        active = filterset.active
        errors = filterset.errors

        def facet(name, choices, keep_empty=True):
            selected = {str(value) for value in as_list(active.get(name))}
            options = [
                FacetOption(str(value), str(label), counts[name].get(str(value), 0), str(value) in selected)
                for value, label in choices
            ]
            options = [option for option in options if keep_empty or option.count or option.selected]
            return Facet(name, str(filterset.filters[name].label), options, list(errors.get(name, [])))

        parties = sorted(filterset.parties.items(), key=lambda item: folded(item[1].name))
        years = {int(year) for year in counts["report_year"]} | set(as_list(active.get("report_year")))
        return {
            "party": facet("party", parties, keep_empty=False),
            "region": facet("region", ElectoralGroup.choices),
            "goal": facet("goal", [(goal.number, goal) for goal in filterset.goals]),
            "area": facet("area", [(area.slug, area.name) for area in filterset.areas]),
            "domain": facet("domain", [(domain.slug, domain.name) for domain in filterset.domains]),
            "reported_by": facet("reported_by", Measure.ReportedBy.choices),
            "report_year": facet("report_year", [(year, year) for year in sorted(years, reverse=True)]),
            "language": facet("language", RecordLanguage.choices, keep_empty=False),
            **{
                name: facet(name, [(TRUE, filterset.filters[name].label)])
                for name in ("youth", "preferential", "innovative")
            },
        }
