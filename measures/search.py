"""Full-text search over measures: title, main features, results, partners and the reporting organisation.

On PostgreSQL, `Measure.search_vector` holds a weighted vector (title A, main features B, results, partner
names and organisation name C) built with the 'simple' configuration from text that is lower-cased and
stripped of accents here, in Python, so that search is case- and accent-insensitive without a database
extension. Queries are normalised the same way and read with web-search syntax: "a phrase", -word, or.

On other databases a simpler fallback requires every plain word to appear (case-insensitively, as a
substring) in one of the same fields; -word excludes a word; quotes and `or` are not interpreted.
"""

import re
from contextlib import contextmanager

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, connections
from django.db.models import Exists, Expression, F, OuterRef, Q
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
BATCH_SIZE = 500
#: The GIN index on Measure.search_vector, created by migration 0002.
SEARCH_INDEX = "measure_search_vector_gin"


def uses_search_vector(queryset):
    return connections[queryset.db].vendor == "postgresql"


def parse(text):
    """(words to find, words to exclude) in a query, ignoring quotes and `or`."""
    wanted, excluded = [], []
    for token in TOKEN.findall(text):
        target = excluded if token.startswith("-") and len(token) > 1 else wanted
        target.extend(word for word in WORD.findall(token) if word.lower() != OR)
    return wanted, excluded


def search_measures(queryset, text):
    """The measures matching a search query; on PostgreSQL annotated with `search_rank`."""
    text = (text or "").strip()
    if not text:
        return queryset
    if uses_search_vector(queryset):
        query = SearchQuery(folded(text), search_type="websearch", config=CONFIG)
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
    """Best matches first where the query was ranked (PostgreSQL), then `then`."""
    if "search_rank" in queryset.query.annotations:
        return queryset.order_by(F("search_rank").desc(), *then)
    return queryset.order_by(*then)


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
    """For a bulk insert inside a transaction on PostgreSQL: drop the search index and build it once at the
    end rather than updating it row by row (docs/performance.md). Readers wait for the transaction meanwhile."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")
        yield
        # An index cannot be built on a table with deferred foreign-key checks still pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"CREATE INDEX {SEARCH_INDEX} ON measures_measure USING gin (search_vector)")


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
