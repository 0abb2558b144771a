"""Generate synthetic measures for demonstration and load tests (and benchmarks); `--clear` removes exactly them.

`make run` loads 2,000 of them by default, so that a newcomer can try the facets, charts, pages and exports
on more than the few real records. Synthetic records (measures and the organisations made for them) carry
`is_synthetic=True`, so real reference data is never touched, and their titles and names start with
"Synthetic example:" (TITLE_PREFIX), so that no one can take them for reported data; every public page says
they are there while they are. The same seed always gives the same records.
"""

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from convention_portal import page_cache
from measures import classification
from measures.bulk import Links, insert_rows
from measures.models import (
    CLASSIFICATION_BITS,
    AreaOfMonitoring,
    CulturalDomain,
    EntityType,
    Evaluated,
    Goal,
    Measure,
    MeasureStatus,
    Organisation,
    OrganisationKind,
    Partner,
    Party,
    RecordLanguage,
    ReportedBy,
)
from measures.search import WeightedVector, index_built_afterwards, organisation_names

BATCH_SIZE = 2000
#: The start of every synthetic measure's title and organisation's name: they must never pass for real records.
TITLE_PREFIX = "Synthetic example: "
REPORT_YEARS = (2012, 2016, 2020, 2024)

VOCABULARY_TEXT = """
access acquisition action agency agreement album animation archive artist artistic arts association audience
audiovisual award book broadcasting budget capacity capital career center cinema circulation city civil
coalition collaboration collective commission community competition composer conference content cooperation
copyright craft creation creative creators cultural culture dance data design development diffusion digital
discoverability distribution diversity documentary domestic economy ecosystem education emerging employment
entrepreneurs environment equality equipment event exchange exhibition expression festival film financing fund
funding gallery gender governance grant heritage hub income incubator independent indigenous industry
infrastructure initiative innovation institution international internet investment journalism knowledge
label labour language law legislation library licence literature local market media mentoring minority
mobility museum music musicians national network online opera orchestra partnership performance performing
photography platform plan policy practice producers production professional programme promotion protection
public publishing quota radio recording region regional research residency rights rural school sector
skills social society sound stage strategy streaming students support sustainable talent tax technology
television territory theatre touring tourism trade training translation transparency venue video visual
women workshop writers youth
"""
VOCABULARY = VOCABULARY_TEXT.split()

CONNECTORS = ("and", "of", "for", "the", "in", "to", "with", "through", "across", "by", "on")

ORGANISATION_WORDS = (
    "Coalition",
    "Federation",
    "Network",
    "Association",
    "Council",
    "Alliance",
    "Institute",
    "Foundation",
    "Union",
    "Forum",
)

STATUS_WEIGHTS = {
    MeasureStatus.PUBLISHED: 80,
    MeasureStatus.DRAFT: 6,
    MeasureStatus.SUBMITTED: 6,
    MeasureStatus.RETURNED: 4,
    MeasureStatus.WITHDRAWN: 4,
}
LANGUAGE_WEIGHTS = {RecordLanguage.ENGLISH: 55, RecordLanguage.FRENCH: 30, RecordLanguage.SPANISH: 15}
ENTITY_TYPES = EntityType.values


class TextMaker:
    """Sentences and paragraphs of the portal's vocabulary, reproducible from one random generator.

    Paragraphs draw from a pool of sentences made once: building every sentence word by word for 50,000
    measures would take most of the generation time, and a pool of thousands reads just as varied.
    """

    POOL_SIZE = 5000
    AVERAGE_SENTENCE_WORDS = 16

    def __init__(self, rng):
        self.rng = rng
        self.pool = [self.sentence(8, 24) + "." for _ in range(self.POOL_SIZE)]

    def words(self, count):
        picked = self.rng.choices(VOCABULARY, k=count)
        for index in range(3, count, 7):
            picked[index] = self.rng.choice(CONNECTORS)
        return picked

    def sentence(self, low, high):
        words = self.words(self.rng.randint(low, high))
        return " ".join(words).capitalize()

    def paragraphs(self, low_words, high_words):
        count = max(2, round(self.rng.randint(low_words, high_words) / self.AVERAGE_SENTENCE_WORDS))
        sentences = self.rng.choices(self.pool, k=count)
        middle = count // 2
        return " ".join(sentences[:middle]) + "\n\n" + " ".join(sentences[middle:])


def rows_pointing_at_measures():
    """(model, field) for every table whose rows belong to a measure: partners, links to outcomes, m2m tables."""
    for field in Measure._meta.many_to_many:
        yield field.remote_field.through, "measure"
    for relation in Measure._meta.related_objects:
        if relation.many_to_many:
            through = relation.through
            yield through, next(f.name for f in through._meta.fields if f.related_model is Measure)
        else:
            yield relation.related_model, relation.field.name


class Command(BaseCommand):
    help = (
        "Create synthetic measures for demonstration and load tests (deterministic for a seed; titles start "
        f"with {TITLE_PREFIX.strip()!r}), or remove them with --clear."
    )

    def add_arguments(self, parser):
        parser.add_argument("--measures", type=int, default=1000, help="How many measures to create.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--clear", action="store_true", help="Remove every synthetic record and stop.")
        parser.add_argument(
            "--unless-present",
            action="store_true",
            help="Do nothing if synthetic measures exist already (make run: a restart keeps the same sample).",
        )

    def handle(self, *args, measures, seed, clear, unless_present=False, **options):
        started = time.perf_counter()
        if clear:
            page_cache.invalidate()  # bulk writes send no signals
            removed = self.clear()
            self.stdout.write(f"Removed {removed} synthetic measures and their organisations.")
            return
        present = Measure.objects.filter(is_synthetic=True).count() if unless_present else 0
        if present:
            self.stdout.write(f"{present} synthetic measures are there already: none created (--clear removes them).")
            return
        page_cache.invalidate()  # bulk writes send no signals
        if measures < 1:
            raise CommandError("--measures must be at least 1.")
        if not Party.objects.exists() or not AreaOfMonitoring.objects.exists():
            raise CommandError("Load the reference data first: python manage.py load_reference_data")
        with transaction.atomic(), index_built_afterwards():
            self.clear()
            created = self.generate(measures, random.Random(seed))
        self.refresh_statistics()
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {created} synthetic measures in {seconds:.1f} s ({created / seconds:,.0f} measures/s)."
            )
        )

    def refresh_statistics(self):
        """Fresh planner statistics: without them the first queries over the new rows plan badly. On PostgreSQL,
        also what autovacuum would do later: mark the new rows visible to all, so that index-only scans (facet
        counts) skip the table and the first reads of the new rows write nothing back."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                filled = (
                    Measure,
                    Partner,
                    Organisation,
                    Measure.goals.through,
                    Measure.goals_ticked.through,
                    Measure.areas.through,
                    Measure.domains.through,
                )
                names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in filled)
                cursor.execute(f"VACUUM (ANALYZE) {names}")
                # The Parties too, loaded just before on a new database: lists filtered by electoral group join
                # them, and plan well only once the planner knows how many Parties each group has.
                cursor.execute(f"ANALYZE {connection.ops.quote_name(Party._meta.db_table)}")
            else:
                cursor.execute("ANALYZE")

    @transaction.atomic
    def clear(self):
        """Delete in bulk, table by table: synthetic records have no history to keep and no one to notify.

        A plain queryset delete would run the history and search signals once per measure.
        """
        measures = Measure.objects.filter(is_synthetic=True)
        count = measures.count()
        synthetic = measures.values("pk")
        for model, field in rows_pointing_at_measures():
            rows = model.objects.filter(**{f"{field}__in": synthetic})
            rows._raw_delete(rows.db)
        measures._raw_delete(measures.db)
        organisations = Organisation.objects.filter(is_synthetic=True)
        organisations._raw_delete(organisations.db)
        return count

    def generate(self, total, rng):
        text = TextMaker(rng)
        parties = list(Party.objects.order_by("pk"))
        areas = list(AreaOfMonitoring.objects.select_related("goal").order_by("pk"))
        domains = list(CulturalDomain.objects.order_by("pk"))
        goals = list(Goal.objects.order_by("pk"))
        organisations = self.make_organisations(max(10, total // 250), rng, parties)
        now = timezone.now()
        statuses, status_weights = zip(*STATUS_WEIGHTS.items(), strict=True)
        languages, language_weights = zip(*LANGUAGE_WEIGHTS.items(), strict=True)

        with_vectors = connection.vendor == "postgresql"
        created = 0
        while created < total:
            size = min(BATCH_SIZE, total - created)
            batch, links = [], []
            for _ in range(size):
                report_year = rng.choice(REPORT_YEARS)
                start = report_year - rng.randint(1, 6)
                end = None if rng.random() < 0.2 else min(start + rng.randint(0, 6), report_year + 3)
                by_civil_society = rng.random() < 0.3
                organisation = rng.choice(organisations)
                status = rng.choices(statuses, status_weights)[0]
                amount = rng.randint(5, 5000) * 1000
                chosen_areas = rng.sample(areas, rng.randint(1, 3))
                chosen_domains = rng.sample(domains, rng.randint(1, 2))
                ticked = rng.sample(goals, 1) if rng.random() < 0.2 else []
                # Bulk inserts send no m2m_changed signal: the stored classification is written with the row.
                goal_ids, bits = classification.stored_classification(chosen_areas, chosen_domains, ticked)
                measure = Measure(
                    title=TITLE_PREFIX + text.sentence(5, 12),
                    party=organisation.country if by_civil_society else rng.choice(parties),
                    report_year=report_year,
                    reported_by=ReportedBy.CIVIL_SOCIETY if by_civil_society else ReportedBy.PARTY,
                    organisation=organisation if by_civil_society else None,
                    period_start=start,
                    period_end=end,
                    main_features=text.paragraphs(80, 220),
                    results=text.paragraphs(40, 140),
                    financial_resources=f"{amount:,} USD",
                    financial_resources_usd=amount,
                    evaluated=rng.choice(Evaluated.values),
                    **dict(zip(CLASSIFICATION_BITS, bits, strict=True)),
                    is_youth=rng.random() < 0.15,
                    is_preferential_treatment=rng.random() < 0.1,
                    is_innovative=rng.random() < 0.1,
                    language=rng.choices(languages, language_weights)[0],
                    status=status,
                    published_at=now - datetime.timedelta(days=rng.randint(0, 3650))
                    if status == MeasureStatus.PUBLISHED
                    else None,
                    is_synthetic=True,
                )
                partner_specs = [(text.sentence(2, 5), rng.choice(ENTITY_TYPES)) for _ in range(rng.randint(0, 3))]
                if with_vectors:
                    # Written with the row: a later UPDATE would rewrite every row and its index entries.
                    related = [measure.results, *(name for name, _type in partner_specs)]
                    if by_civil_society:
                        related.extend(organisation_names(organisation))
                    measure.search_vector = WeightedVector(measure.title, measure.main_features, "\n".join(related))
                batch.append(measure)
                links.append((chosen_areas, chosen_domains, ticked, goal_ids, partner_specs))
            Measure.objects.bulk_create(batch)
            self.link(batch, links)
            created += size
        return created

    def make_organisations(self, count, rng, parties):
        organisations = [
            Organisation(
                name=f"{TITLE_PREFIX}{rng.choice(ORGANISATION_WORDS)} for {' '.join(rng.choices(VOCABULARY, k=2))} "
                f"{number}",
                slug=f"synthetic-organisation-{number}",
                kind=rng.choice(OrganisationKind.values),
                country=rng.choice(parties),
                is_synthetic=True,
            )
            for number in range(1, count + 1)
        ]
        return Organisation.objects.bulk_create(organisations)

    def link(self, measures, links):
        rows, partners = Links(), []
        for measure, (areas, domains, ticked, goal_ids, partner_specs) in zip(measures, links, strict=True):
            rows.add(
                measure.pk,
                [area.pk for area in areas],
                [domain.pk for domain in domains],
                [goal.pk for goal in ticked],
                goal_ids,
            )
            partners += [
                (measure.pk, name, entity_type, position) for position, (name, entity_type) in enumerate(partner_specs)
            ]
        rows.insert()
        insert_rows(Partner, ("measure", "name", "entity_type", "position"), partners)
