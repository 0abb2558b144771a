"""Organisations (coalitions, governments, civil society) and their memberships in one another."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import WebURLField
from core.translation import localized, translated
from core.validators import RefusesControlCharacters
from measures.models.parties import Party


class OrganisationKind(models.TextChoices):
    """What an organisation is; the public ones (PUBLIC_KINDS) belong to their Party's State."""

    CIVIL_SOCIETY = "civil_society", _("Civil society organisation")
    COALITION = "coalition", _("Coalition")
    FEDERATION = "federation", _("Federation")
    GOVERNMENT = "government", _("Government")
    SUBNATIONAL_GOVERNMENT = "subnational_government", _("Subnational government")
    PUBLIC_BODY = "public_body", _("Public body")
    NATIONAL_COMMISSION = "national_commission", _("National Commission for UNESCO")
    INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organisation")
    ACADEMIC = "academic", _("Academic")
    PRIVATE = "private", _("Private")


#: The kinds of organisation that are part of a Party's State: the only ones a Party's own measure may name.
PUBLIC_KINDS = (
    OrganisationKind.GOVERNMENT,
    OrganisationKind.SUBNATIONAL_GOVERNMENT,
    OrganisationKind.PUBLIC_BODY,
    OrganisationKind.NATIONAL_COMMISSION,
)


class OrganisationQuerySet(models.QuerySet):
    def with_measure_counts(self):
        """With their country and `measure_count`, the number of their published measures; by name."""
        from measures.models.measure import Measure

        return (
            self.select_related("country")
            .annotate(measure_count=Measure.objects.published().count_per("organisation"))
            .order_by(localized("name"), "pk")
        )


class Organisation(
    RefusesControlCharacters,
    translated(
        "TranslatedOrganisation",
        name=models.CharField(_("name"), max_length=255),
        acronym=models.CharField(_("acronym"), max_length=30, blank=True),
        description=models.TextField(_("description"), blank=True),
    ),
):
    """An organisation, with its name and acronym in each language it officially has them (CDCE / CDEC)."""

    Kind = OrganisationKind

    slug = models.SlugField(_("URL key"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    country = models.ForeignKey(
        Party,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    website = WebURLField(_("website"), max_length=300, blank=True)
    founding_year = models.PositiveSmallIntegerField(_("founding year"), null=True, blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, editable=False, help_text=_("Made by generate_demo_data for load tests.")
    )
    member_of = models.ManyToManyField(
        "self",
        through="OrganisationMembership",
        through_fields=("member", "organisation"),
        symmetrical=False,
        related_name="members",
        blank=True,
        verbose_name=_("member of"),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"),
            models.CheckConstraint(
                condition=Q(founding_year__isnull=True) | Q(founding_year__gte=1800, founding_year__lte=2100),
                name="organisation_founding_year_range",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("measures:organisation-detail", args=[self.slug])


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    SECRETARIAT = "secretariat", _("Secretariat")


class OrganisationMembership(RefusesControlCharacters, models.Model):
    """One organisation's place in another, recorded once: a member, the one that runs its secretariat, or both."""

    Role = MembershipRole

    member = models.ForeignKey(
        Organisation, verbose_name=_("member"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="member_links"
    )
    is_member = models.BooleanField(_("member"), default=True)
    holds_secretariat = models.BooleanField(_("runs its secretariat"), default=False)

    class Meta:
        ordering = ["organisation__name_en", "member__name_en"]
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "organisation"],
                name="organisation_membership_once",
                violation_error_message=_("This organisation is already linked to that one: edit that link."),
            ),
            models.CheckConstraint(condition=~Q(member=F("organisation")), name="organisation_not_member_of_itself"),
            models.CheckConstraint(
                condition=Q(is_member=True) | Q(holds_secretariat=True),
                name="organisation_membership_has_a_role",
                violation_error_message=_("Tick “member”, “runs its secretariat” or both."),
            ),
        ]

    def __str__(self):
        return f"{self.member} — {'; '.join(map(str, self.role_labels))} — {self.organisation}"

    @property
    def roles(self):
        """The roles held, as MembershipRole values."""
        return [
            role
            for role, held in (
                (MembershipRole.MEMBER, self.is_member),
                (MembershipRole.SECRETARIAT, self.holds_secretariat),
            )
            if held
        ]

    @property
    def role_labels(self):
        return [MembershipRole(role).label for role in self.roles]
