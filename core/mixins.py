"""Abstract model mixins that models of several apps share."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.translation import translated
from core.validators import RefusesControlCharacters

#: value_as_read() of a field the query did not load (deferred).
NOT_READ = object()


class TranslatedNameMixin(
    RefusesControlCharacters, translated("TranslatedName", name=models.CharField(_("name"), max_length=255))
):
    """A name in the portal's three languages (core.translation); `name` follows the active language."""

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class RemembersValuesAsRead(models.Model):
    """Keeps the values of `remembered_fields` (attribute names, e.g. ``goal_id``) as read from the database, so
    that post_save handlers can tell whether a save changed them; they are updated once the save is done, and by
    refresh_from_db()."""

    remembered_fields = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._values_as_read = {name: getattr(self, name) for name in self.remembered_fields}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._values_as_read = {
            name: getattr(instance, name) for name in cls.remembered_fields if name in field_names
        }
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using, fields, from_queryset)
        as_read = self.__dict__.setdefault("_values_as_read", {})
        for name in self.remembered_fields:
            if fields is None or name in fields:
                as_read[name] = getattr(self, name)

    def value_as_read(self, name):
        """The value as read (or last saved); None for an instance never read nor saved, NOT_READ for a field the
        query did not load."""
        as_read = self.__dict__.get("_values_as_read")
        if as_read is None:
            return None
        return as_read.get(name, NOT_READ)

    def changed_since_read(self, name):
        as_read = self.__dict__.get("_values_as_read", {})
        return name not in as_read or as_read[name] != getattr(self, name)
