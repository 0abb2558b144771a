"""Full-text search over measures: title, main features, results, partners and the reporting organisation.

On PostgreSQL, `Measure.search_vector` holds a weighted vector (title A, main features B, results, partner
names and organisation name C) built with the 'simple' configuration from text that is lower-cased and
stripped of accents here, in Python, so that search is case- and accent-insensitive without a database
extension. Queries are normalised the same way and read with web-search syntax: "a phrase", -word, or.

On other databases a simpler fallback requires every plain word to appear (case-insensitively, as a
substring) in one of the same fields; -word excludes a word; quotes and `or` are not interpreted.

Results are ranked by ts_rank (SearchRank), then newest first. Ranking every match reads the vector of every
match, which costs hundreds of milliseconds when a common word matches most measures. Where the RUM extension
and its index (RANK_INDEX, migration 0017_search_rank_index) are there, a page among the first ones
(RankedPageQuerySet) is ranked from a few candidates only: the RUM index returns the matches in the order of its
own distance (`<=>`, which for a query of one word is exactly 1/ts_rank) without reading their vectors, and
only the best of them are then ranked by ts_rank as before; for one word, from the measures with the word in
their title when they fill the page (TITLE_WEIGHT). Without the index, and for deep pages, every match is ranked
as before (docs/performance.md, "Search").
"""

import re
from contextlib import contextmanager

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, connections, transaction
from django.db.models import Exists, Expression, F, FloatField, Func, IntegerField, OuterRef, Q
from django.db.models.expressions import OrderBy
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.text import folded
from core.translation import LANGUAGES, any_language
from measures.models import Measure, Organisation, Partner

CONFIG = "simple"
WORD = re.compile(r"\w+")
# A quoted phrase (possibly negated and unterminated) or a run of non-space characters.
TOKEN = re.compile(r'-?"[^"]*"?|\S+')
OR = "or"
#: A query of one word (quoted or not), whose RUM distance is 1/ts_rank.
ONE_WORD = re.compile(r'"?[^\W_]+"?')
BATCH_SIZE = 500
#: The GIN index on Measure.search_vector, created by migration 0002.
SEARCH_INDEX = "measure_search_vector_gin"
#: The RUM index on Measure.search_vector (extension `rum`), created by migration 0017_search_rank_index where the
#: extension is available: it returns the matches of a query in rank order without reading their vectors.
RANK_INDEX = "measure_search_vector_rum"
RANK_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {RANK_INDEX} ON measures_measure USING rum (search_vector rum_tsvector_ops)"
)
#: Pages of results up to this position are ranked from RUM candidates (twice as many as the position, for a query
#: of one word); deeper ones rank every match. Up to here (page 50 of the list), ranking those candidates costs far
#: less than ranking every match of a common word; much deeper, it would cost more (docs/performance.md).
RANKED_FROM_CANDIDATES = 1000
#: How many candidates, at least, the RUM index gives for a query of several words, whose RUM distance is not
#: ts_rank's order (the best of them by ts_rank are the page). On 50,000 generated measures the first page is the
#: same as ranking every match for 40 random pairs of common words out of 40 with 1,000 (34 with 500, 26 with
#: 300): docs/performance.md, "Search".
CANDIDATES = 1000
#: ...for the first page only (its 20 results; the shortest run of results in the same order was 30), and for
#: queries of one or two words without a -word: the order of a longer query, or of one that excludes a word,
#: differs too much from the RUM distance, and so every match of those is ranked.
SEVERAL_WORDS_UP_TO = 20
#: A query of one word needs fewer: its RUM distance is 1/ts_rank, and ties at the end are checked.
SINGLE_WORD_CANDIDATES = 100
#: ...and beyond this many (ties), every match is ranked instead.
MAX_CANDIDATES = 10_000
#: The weight of the title in the vector (WeightedVector). For a query of one word, ts_rank (PostgreSQL's
#: calc_rank_or, default weights A 1.0, B 0.4, C 0.2) is (w + sum of w_j / (j + 1)^2 over the word's other positions
#: j) / (pi^2 / 6), where w is the heaviest weight among the word's positions, counted in full. A measure with the
#: word in its title ranks at least 1 / (pi^2 / 6) = 0.608; one without it at most 0.465 (its weights are at most
#: 0.4, and those before the first 0.4 at most 0.2). So every title match ranks above every other match, and a page
#: that the title matches fill is found among them alone: the RUM index gives those in rank order for less work than
#: every match (docs/performance.md, "One word from its title matches, and narrow rows").
TITLE_WEIGHT = "A"
#: The RUM distance is computed in double precision, ts_rank is a float (real): distances closer than this ratio
#: may be the same ts_rank, so the candidates must go past it.
TIE_MARGIN = 1 + 1e-5


def uses_search_vector(queryset):
    return connections[queryset.db].vendor == "postgresql"


def is_searched(queryset):
    """Whether `queryset` keeps only the measures matching a full-text search on PostgreSQL (search_measures())."""
    return "search_rank" in queryset.query.annotations


@contextmanager
def matches_from_index(queryset):
    """Within the block, PostgreSQL finds the measures that match `queryset`'s full-text search, if it has one,
    through the GIN index: for the statements that count or group them (facets, charts, the map, the API's count)
    and that read a page sorted other than by relevance (the list's ids, the API's pages).

    Testing `search_vector @@ query` on a row reads its vector (about 2.4 kB, compressed, out of line), a cost the
    planner does not count: for a common word it prefers testing every published measure (300 ms to a second at
    50,000 measures) to a bitmap from the GIN index, which answers a word or a phrase without reading any vector.
    So sequential and plain index scans are turned off (bitmap and index-only scans stay), in a savepoint rolled
    back at the end, which ends the settings: the block only reads.

    Not for a queryset ordered by relevance where the RUM index is there: its pages come from that index's ordered
    scan (RankedPageQuerySet), which the settings would turn off."""
    if not is_searched(queryset) or (relevance_first(queryset) is not None and rank_index_exists(queryset.db)):
        yield
        return
    using = queryset.db
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)")
        yield
        transaction.set_rollback(True, using=using)


def parse(text):
    """(words to find, words to exclude) in a query, ignoring quotes and `or`."""
    wanted, excluded = [], []
    for token in TOKEN.findall(text):
        target = excluded if token.startswith("-") and len(token) > 1 else wanted
        target.extend(word for word in WORD.findall(token) if word.lower() != OR)
    return wanted, excluded


#: Whether each database (by alias) has the RUM index; looked up once per process (rank_index_exists).
_rank_index = {}


def rank_index_exists(using="default"):
    """Whether the database has the RUM index RANK_INDEX (PostgreSQL with the `rum` extension); asked once."""
    if using not in _rank_index:
        exists = False
        if connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [RANK_INDEX])
                exists = cursor.fetchone() is not None
        _rank_index[using] = exists
    return _rank_index[using]


def forget_rank_index():
    """Ask rank_index_exists() again next time (after the index was created or dropped)."""
    _rank_index.clear()


class MeasureSearchQuery(SearchQuery):
    """A web-search query that remembers its (normalised) text, for RankedPageQuerySet."""

    def __init__(self, text):
        super().__init__(text, search_type="websearch", config=CONFIG)
        self.text = text


def search_measures(queryset, text):
    """The measures matching a search query; on PostgreSQL annotated with `search_rank`."""
    text = (text or "").strip()
    if not text:
        return queryset
    if uses_search_vector(queryset):
        query = MeasureSearchQuery(folded(text))
        return queryset.filter(search_vector=query).annotate(search_rank=SearchRank(F("search_vector"), query))
    wanted, excluded = parse(text.lower())
    for word in wanted:
        queryset = queryset.filter(contains_word(word))
    for word in excluded:
        queryset = queryset.exclude(contains_word(word))
    return queryset


def contains_word(word):
    return (
        Q(title__icontains=word)
        | Q(main_features__icontains=word)
        | Q(results__icontains=word)
        | any_language("organisation__name", "icontains", word)
        | Q(Exists(Partner.objects.filter(measure=OuterRef("pk"), name__icontains=word)))
    )


def order_by_relevance(queryset, *then):
    """Best matches first where the query was ranked (PostgreSQL), then `then`. With the RUM index, the first
    pages are ranked from candidates (RankedPageQuerySet): same order, far less read."""
    if is_searched(queryset):
        queryset = queryset.order_by(F("search_rank").desc(), *then)
        if rank_index_exists(queryset.db):
            queryset = ranked_pages(queryset)
        return queryset
    return queryset.order_by(*then)


def relevance_first(queryset):
    """The SearchRank annotation when `queryset` is ordered by it first (order_by_relevance(), not re-ordered
    since), else None."""
    ordering = queryset.query.order_by
    first = ordering[0] if ordering else None
    if not (isinstance(first, OrderBy) and first.descending and getattr(first.expression, "name", None)):
        return None
    if first.expression.name != "search_rank":
        return None
    return queryset.query.annotations.get("search_rank")


class Distance(Func):
    """RUM's distance between a vector and a query (`<=>`): the smaller, the better the match; the RUM index
    returns matches in this order without reading their vectors. For a query of one word it is 1/ts_rank."""

    arg_joiner = " <=> "
    template = "(%(expressions)s)"
    output_field = FloatField()


class RankedPageQuerySet:
    """Mixed into the queryset class of relevance-ordered measures (ranked_pages()): a slice among the first
    RANKED_FROM_CANDIDATES results is read from candidates, every other use of the queryset is unchanged.

    1. The RUM index gives the matches under every filter, best first by its distance (Distance), without
       reading their vectors: the first SINGLE_WORD_CANDIDATES or CANDIDATES of them (more if the slice ends
       deeper).
    2. Those candidates, and only they, are ranked by the queryset's own ordering (ts_rank, then newest first),
       and the slice is taken from them.

    For a query of one word (one operand: numnode = 1) the RUM distance is exactly 1/ts_rank, so the slice is
    exactly the one ranking every match gives, once the candidates go strictly past the rank of its last row
    (ties at the end fetch more candidates). For a query of two words (or a phrase of two, or `a or b`) the RUM
    distance also rewards words that stand close together, but not as ts_rank weighs them: the first page is
    the same as long as its rows are among the CANDIDATES, which docs/performance.md checks on a list of
    queries; later pages, and longer queries or queries with a -word, rank every match.
    """

    def _fetch_all(self):
        if self._result_cache is None:
            page = self._page_from_candidates()
            if page is not None:
                self._result_cache = list(page)
                self._prefetch_done = True  # the page's own evaluation prefetched
        super()._fetch_all()

    def _page_from_candidates(self):
        query = self.query
        start, stop = query.low_mark, query.high_mark
        if getattr(self, "_from_candidates", False) or stop is None or not start < stop <= RANKED_FROM_CANDIDATES:
            return None
        rank = relevance_first(self)
        if rank is None or query.distinct or query.combinator:
            return None
        search_query = next(
            (expression for expression in rank.get_source_expressions() if isinstance(expression, SearchQuery)), None
        )
        if search_query is None:
            return None
        matches = self.model._base_manager.using(self.db).all()
        matches.query = query.chain()
        matches.query.clear_limits()
        matches.query.clear_ordering(force=True)
        matches.query.clear_select_fields()
        matches = matches.annotate(
            search_distance=Distance(F("search_vector"), search_query),
            search_operands=Func(search_query, function="numnode", output_field=IntegerField()),
        )
        text = getattr(search_query, "text", "")
        one_word = ONE_WORD.fullmatch(text)
        if one_word:
            wanted = max(2 * stop, SINGLE_WORD_CANDIDATES)
            in_title = matches.filter(search_vector=title_query(text))
            rows = self._best_candidates(in_title, stop, wanted)
            if rows is None or len(rows) < stop or rows[0][2] != 1:
                # The page goes past the title matches (or the word is more than one operand): every match.
                rows = self._best_candidates(matches, stop, wanted)
        else:
            words, excluded = parse(text)
            if excluded or len(words) > 2 or stop > SEVERAL_WORDS_UP_TO:
                return None  # ranked from candidates only where the result was checked (see CANDIDATES)
            rows = self._best_candidates(matches, stop, max(5 * stop, CANDIDATES))
        if rows is None:
            return None
        page = self._chain()
        page.query.clear_limits()
        page = page.filter(pk__in=[row[0] for row in rows])
        page.query.set_limits(start, stop)
        page._from_candidates = True
        return page

    @staticmethod
    def _best_candidates(matches, stop, wanted):
        """(pk, distance, operands) of the best matches by RUM distance, at least `wanted` of them and enough for
        the rows up to `stop` to be among them; None where every match must be ranked instead."""
        while True:
            candidates = matches.order_by("search_distance").values_list("pk", "search_distance", "search_operands")
            rows = list(candidates[:wanted])
            if len(rows) < wanted:
                return rows  # every match is a candidate
            if rows[0][2] != 1:
                if stop > SEVERAL_WORDS_UP_TO:
                    return None
                return rows  # several words: the best candidates by RUM distance are the page's (see above)
            if rows[-1][1] > rows[stop - 1][1] * TIE_MARGIN:
                return rows  # every row ranked as well as the slice's last one is a candidate
            if wanted >= MAX_CANDIDATES:
                return None  # a tie among so many: rank every match
            wanted *= 4

    def _clone(self):
        clone = super()._clone()
        clone._from_candidates = getattr(self, "_from_candidates", False)
        return clone


_ranked_classes = {}


def title_query(text):
    """The query of one word (ONE_WORD) restricted to the title's weight: the measures with the word in their
    title."""
    word = text.strip('"')
    return SearchQuery(f"{word}:{TITLE_WEIGHT}", search_type="raw", config=CONFIG)


def ranked_pages(queryset):
    """`queryset` (ordered by relevance) with its first pages ranked from RUM candidates (RankedPageQuerySet)."""
    base = type(queryset)
    if issubclass(base, RankedPageQuerySet):
        return queryset
    if base not in _ranked_classes:
        name = f"Ranked{base.__name__}"
        _ranked_classes[base] = type(name, (RankedPageQuerySet, base), {"__module__": __name__, "__qualname__": name})
        globals().setdefault(name, _ranked_classes[base])  # found by name, as pickle looks for it
    ranked = queryset._chain()
    ranked.__class__ = _ranked_classes[base]
    return ranked


def highlight_terms(text):
    """The normalised words of a query that a result may contain (negated words and `or` left out)."""
    wanted, _excluded = parse(folded(text or ""))
    return frozenset(wanted)


def highlight(text, query, length=None):
    """`text`, HTML-escaped, with the query's words in <mark>; cut to about `length` characters around the
    first match when `length` is given."""
    text = text or ""
    terms = highlight_terms(query)
    matches = [match for match in WORD.finditer(text) if folded(match.group()) in terms] if terms else []
    start, end = 0, len(text)
    if length and len(text) > length:
        first = matches[0].start() if matches else 0
        start = max(0, first - length // 3)
        if start:
            start = text.find(" ", start) + 1 or start
        end = min(len(text), start + length)
        if end < len(text):
            end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    pieces = ["…" if start else ""]
    position = start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append("…")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of record text above is escaped


def organisation_names(organisation):
    """The organisation's names in every language it has them, so that each finds its measures."""
    return list(dict.fromkeys(name for name in (getattr(organisation, f"name_{code}") for code in LANGUAGES) if name))


def vector_for(measure):
    """The weighted vector of one measure (its partners prefetched)."""
    related = [measure.results, *(partner.name for partner in measure.partners.all())]
    if measure.organisation_id:
        related.extend(organisation_names(measure.organisation))
    return WeightedVector(measure.title, measure.main_features, "\n".join(related))


class WeightedVector(Expression):
    """A measure's vector from its texts: title weighted A, main features B, the rest C.

    One SQL fragment with three parameters; composing SearchVector expressions gives the same SQL but
    costs far more to build, which shows when 50,000 measures are inserted at once.
    """

    template = (
        f"setweight(to_tsvector('{CONFIG}', %s), 'A') || setweight(to_tsvector('{CONFIG}', %s), 'B')"
        f" || setweight(to_tsvector('{CONFIG}', %s), 'C')"
    )

    def __init__(self, title, main_features, related):
        super().__init__(output_field=SearchVectorField())
        self.texts = [folded(title), folded(main_features), folded(related)]

    def resolve_expression(self, *args, **kwargs):
        return self

    def as_sql(self, compiler, connection):
        return self.template, self.texts


@contextmanager
def index_built_afterwards():
    """For a bulk insert inside a transaction on PostgreSQL: drop the search indexes (GIN, and RUM where it is)
    and build them once at the end rather than updating them row by row (docs/performance.md). Readers wait for
    the transaction meanwhile."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [RANK_INDEX])
        had_rank_index = cursor.fetchone() is not None
        cursor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")
        cursor.execute(f"DROP INDEX IF EXISTS {RANK_INDEX}")
        yield
        # An index cannot be built on a table with deferred foreign-key checks still pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"CREATE INDEX {SEARCH_INDEX} ON measures_measure USING gin (search_vector)")
        if had_rank_index:
            cursor.execute(RANK_INDEX_SQL)


def update_search_vector(queryset):
    """Rebuild the stored search vector of every measure in `queryset` (PostgreSQL only); return how many."""
    if not uses_search_vector(queryset):
        return 0
    measures = (
        queryset.order_by()
        .select_related("organisation")
        .prefetch_related("partners")
        .only("pk", "title", "main_features", "results", *(f"organisation__name_{code}" for code in LANGUAGES))
    )
    batch, count = [], 0
    for measure in measures.iterator(chunk_size=BATCH_SIZE):
        measure.search_vector = vector_for(measure)
        batch.append(measure)
        if len(batch) == BATCH_SIZE:
            count += Measure.objects.bulk_update(batch, ["search_vector"])
            batch = []
    if batch:
        count += Measure.objects.bulk_update(batch, ["search_vector"])
    return count


@receiver(post_save, sender=Measure, dispatch_uid="measure_search_vector_on_measure_save")
def update_on_measure_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and set(update_fields) == {"search_vector"}):
        return
    update_search_vector(Measure.objects.filter(pk=instance.pk))


@receiver(post_save, sender=Partner, dispatch_uid="measure_search_vector_on_partner_save")
@receiver(post_delete, sender=Partner, dispatch_uid="measure_search_vector_on_partner_delete")
def update_on_partner_change(sender, instance, raw=False, **kwargs):
    if not raw:
        update_search_vector(Measure.objects.filter(pk=instance.measure_id))


@receiver(post_save, sender=Organisation, dispatch_uid="measure_search_vector_on_organisation_save")
def update_on_organisation_save(sender, instance, raw=False, created=False, **kwargs):
    if not (raw or created):
        update_search_vector(Measure.objects.filter(organisation=instance))
