"""The Parties to the Convention, their instruments and dates, and how many Parties the sources count."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import WebURLField
from core.language import active_language
from core.mixins import TranslatedNameMixin
from core.text import folded
from core.translation import TRANSLATIONS, translated
from core.validators import RefusesControlCharacters

#: Article 29: the Convention entered into force on this day, three months after the 30th instrument.
CONVENTION_ENTRY_INTO_FORCE = datetime.date(2007, 3, 18)


def add_months(day, months):
    """The same day `months` later, or the last day of that month if the day does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def entry_into_force_for(deposit_date):
    """Article 29: three months after deposit, but not before the Convention itself entered into force."""
    if deposit_date is None:
        return None
    return max(add_months(deposit_date, 3), CONVENTION_ENTRY_INTO_FORCE)


class ElectoralGroup(models.TextChoices):
    I = "I", _("Group I (Western Europe and North America)")  # noqa: E741
    II = "II", _("Group II (Eastern Europe)")
    III = "III", _("Group III (Latin America and the Caribbean)")
    IV = "IV", _("Group IV (Asia and the Pacific)")
    VA = "Va", _("Group V(a) (Africa)")
    VB = "Vb", _("Group V(b) (Arab States)")


class UnescoRegion(models.TextChoices):
    """UNESCO's regions; the stored values are the English names the sources give (shared/data/parties.csv)."""

    AFRICA = "Africa", _("Africa")
    ARAB_STATES = "Arab States", _("Arab States")
    ASIA_PACIFIC = "Asia and the Pacific", _("Asia and the Pacific")
    EUROPE_NORTH_AMERICA = "Europe and North America", _("Europe and North America")
    LATIN_AMERICA_CARIBBEAN = "Latin America and the Caribbean", _("Latin America and the Caribbean")


class PartyKind(models.TextChoices):
    STATE = "state", _("State")
    REIO = "reio", _("Regional economic integration organisation")


class Instrument(models.TextChoices):
    RATIFICATION = "ratification", _("Ratification")
    ACCEPTANCE = "acceptance", _("Acceptance")
    APPROVAL = "approval", _("Approval")
    ACCESSION = "accession", _("Accession")
    UNSPECIFIED = "ratification_acceptance_or_approval", _("Ratification, acceptance or approval (unspecified)")


class RankOf(Expression):
    """`CASE <field> WHEN <key> THEN 0 WHEN ... ELSE <len(keys)> END`: the position of each row's `field` among
    `keys` (integers), written as SQL text.

    A CASE of one When(pk=...) per Party would give the same order, but Django resolves and compiles its lookups
    on every query, as long as the rest of a page's work; this is one column and a string."""

    output_field = IntegerField()

    def __init__(self, keys, field="pk"):
        super().__init__(output_field=IntegerField())
        self.keys = tuple(int(key) for key in keys)
        self.source = F(field) if isinstance(field, str) else field

    def get_source_expressions(self):
        return [self.source]

    def set_source_expressions(self, exprs):
        (self.source,) = exprs

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.source)
        if not self.keys:
            return column, params
        branches = " ".join(f"WHEN {key} THEN {rank}" for rank, key in enumerate(self.keys))
        return f"CASE {column} {branches} ELSE {len(self.keys)} END", params


def name_rank(prefix=""):
    """The rank of each Party's name in the active language, accents and case ignored ("Égypte" among the E),
    whatever the database's collation (SQLite and PostgreSQL's C collation compare code points); `prefix`
    reaches the Party through a relation ("country__").

    One query reads the names, which Python sorts; the rank is then a RankOf the primary key. There are only
    as many Parties as States, so the expression stays small.
    """
    language = active_language()
    column = f"name_{language}" if language in TRANSLATIONS else "name_en"
    names = Party.objects.order_by().values_list("pk", "name_en", column)
    ranked = sorted(names, key=lambda row: (folded(row[2] or row[1]), row[0]))
    return RankOf([pk for pk, _english, _name in ranked], field=f"{prefix}pk")


class PartyQuerySet(models.QuerySet):
    def by_name(self):
        """Ordered by their name in the active language, with it as `sort_name` to sort by again."""
        return self.annotate(sort_name=name_rank()).order_by("sort_name", "pk")

    def with_measure_counts(self):
        """With `measure_count`, the number of their published measures; by name. One query."""
        from measures.models.measure import Measure

        return self.by_name().annotate(measure_count=Measure.objects.published().count_per("party"))

    def with_organisations(self):
        """The Parties some organisation is based in, by name."""
        from measures.models.organisations import Organisation

        return self.filter(Exists(Organisation.objects.filter(country=OuterRef("pk")))).order_by(name_rank())


class Party(TranslatedNameMixin):
    """A State or regional economic integration organisation that has deposited an instrument."""

    EU_SLUG = "eu"

    Kind = PartyKind

    Instrument = Instrument

    iso3 = models.CharField(
        _("ISO 3166-1 alpha-3 code"), max_length=3, blank=True, help_text=_("Empty for the European Union.")
    )
    slug = models.SlugField(_("URL key"), max_length=3, unique=True, help_text=_("Lower-case ISO code; eu for the EU."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STATE)
    instrument = models.CharField(
        _("instrument"),
        max_length=40,
        choices=Instrument.choices,
        blank=True,
        help_text=_("Empty where the source gives the date but not the type of instrument."),
    )
    deposit_date = models.DateField(_("date of deposit"), null=True, blank=True)
    entry_into_force = models.DateField(
        _("entry into force"),
        null=True,
        blank=True,
        help_text=_("Computed by Article 29 (deposit + 3 months, not before 18 March 2007) when left empty."),
    )
    electoral_group = models.CharField(
        _("UNESCO electoral group"), max_length=3, choices=ElectoralGroup.choices, blank=True
    )
    unesco_region = models.CharField(_("UNESCO region"), max_length=60, choices=UnescoRegion.choices, blank=True)
    declarations = models.TextField(_("declarations"), blank=True)
    source_url = WebURLField(_("source"), max_length=500, blank=True)

    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("Party")
        verbose_name_plural = _("Parties")
        constraints = [
            models.UniqueConstraint(fields=["iso3"], condition=~Q(iso3=""), name="party_iso3_unique"),
            models.CheckConstraint(condition=Q(kind__in=PartyKind.values), name="party_kind_valid"),
            models.CheckConstraint(
                condition=Q(instrument="") | Q(instrument__in=Instrument.values), name="party_instrument_valid"
            ),
            models.CheckConstraint(
                condition=Q(electoral_group="") | Q(electoral_group__in=ElectoralGroup.values),
                name="party_electoral_group_valid",
            ),
            models.CheckConstraint(
                condition=Q(unesco_region="") | Q(unesco_region__in=UnescoRegion.values),
                name="party_unesco_region_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["electoral_group"], name="party_electoral_group_idx"),
            models.Index(fields=["deposit_date"], name="party_deposit_date_idx"),
        ]

    def save(self, *args, **kwargs):
        self.iso3 = self.iso3.upper()
        self.slug = self.iso3.lower() if self.iso3 else self.EU_SLUG
        if self.entry_into_force is None:
            self.entry_into_force = entry_into_force_for(self.deposit_date)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("measures:party-detail", args=[self.slug])

    def clean(self):
        # The code becomes the Party's address (its slug): letters only.
        if self.iso3 and not (len(self.iso3) == 3 and self.iso3.isascii() and self.iso3.isalpha()):
            raise ValidationError({"iso3": _("The ISO code is three letters, e.g. CAN.")})


class PartyCountQuerySet(models.QuerySet):
    def latest_known(self):
        return self.order_by("-as_of", "-pk").first()


class PartyCount(
    RefusesControlCharacters,
    translated("TranslatedBasis", basis=models.TextField(_("how the figure is reached"))),
):
    """How many Parties the sources count at a date: the portal's list is only as complete as its sources, and
    says so by comparing itself with this figure."""

    at_least = models.PositiveSmallIntegerField(_("at least this many Parties"))
    as_of = models.DateField(_("as of"))
    sources = models.TextField(_("sources"), help_text=_("One address per line."))

    objects = PartyCountQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of"]
        verbose_name = _("count of Parties in the sources")
        verbose_name_plural = _("counts of Parties in the sources")
        constraints = [models.UniqueConstraint(fields=["as_of"], name="party_count_one_per_date")]

    def __str__(self):
        return f"{self.at_least} ({self.as_of.isoformat()})"

    @property
    def source_urls(self):
        return [line.strip() for line in self.sources.splitlines() if line.strip()]
