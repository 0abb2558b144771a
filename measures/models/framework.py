"""The monitoring framework: goals, areas of monitoring and cultural domains."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import BitSetField
from core.mixins import RemembersValuesAsRead, TranslatedNameMixin


class Goal(RemembersValuesAsRead, TranslatedNameMixin):
    remembered_fields = ("number",)

    number = models.PositiveSmallIntegerField(_("number"), unique=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [models.CheckConstraint(condition=Q(number__gte=1, number__lte=4), name="goal_number_1_to_4")]

    def __str__(self):
        return f"{self.number}. {self.name}"

    @property
    def bit(self):
        """The goal's bit in Measure.goal_bits."""
        return self.number


class BitNumbered(models.Model):
    """An option of the monitoring framework with the number of its bit in the measures' stored classification
    (Measure.area_bits, Measure.domain_bits): the first one free when the option is created, never changed."""

    bit = models.PositiveSmallIntegerField(_("bit"), unique=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.assign_bit()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.assign_bit()

    def assign_bit(self):
        if self.bit is not None:
            return
        taken = set(type(self).objects.values_list("bit", flat=True))
        free = [number for number in range(BitSetField.MAX_NUMBER + 1) if number not in taken]
        if not free:
            raise ValidationError(
                _("There can be at most %(count)s of these: delete one first."),
                params={"count": BitSetField.MAX_NUMBER + 1},
            )
        self.bit = free[0]


class AreaOfMonitoring(RemembersValuesAsRead, BitNumbered, TranslatedNameMixin):  # noqa: DJ008 (the mixin's __str__)
    remembered_fields = ("goal_id",)

    slug = models.SlugField(_("URL key"), max_length=80, unique=True)
    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.PROTECT, related_name="areas")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = _("area of monitoring")
        verbose_name_plural = _("areas of monitoring")


class CulturalDomain(BitNumbered, TranslatedNameMixin):  # noqa: DJ008 (the mixin's __str__)
    slug = models.SlugField(_("URL key"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = _("cultural domain")
        verbose_name_plural = _("cultural domains")
