"""The reference record in the portal's three languages.

A translated field `name` is three columns, `name_en` (the record's fallback, as required as the field is), `name_fr`
and `name_es` (optional), and an attribute `name` that reads the page's language and falls back to English where no
translation is recorded. What it reads knows its language (`name.lang`), so a page can mark an English fallback
with `lang="en"`. Reported measures are not translated: they stay in the language they were written in.
"""

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.language import active_language

#: The portal's languages, English (the fallback) first.
LANGUAGES = ("en", "fr", "es")
TRANSLATIONS = ("fr", "es")
LANGUAGE_NAMES = {"en": _("English"), "fr": _("French"), "es": _("Spanish")}


class TranslatedText(str):
    """Text that knows the language it is written in."""

    __slots__ = ("lang",)

    def __new__(cls, text, lang):
        instance = super().__new__(cls, text)
        instance.lang = lang
        return instance

    def __reduce__(self):
        return TranslatedText, (str(self), self.lang)


class Translated(property):
    """The value of a translated field in the active language, English when none is recorded; assigning to it
    sets the English value, so `Organisation(name=…)` records the name every language falls back to."""

    def __init__(self):
        super().__init__(self.read, self.write)
        self.base = None

    def __set_name__(self, owner, name):
        self.base = name

    def read(self, instance) -> str:
        language = active_language()
        if language != "en":
            value = getattr(instance, f"{self.base}_{language}", "")
            if value:
                return TranslatedText(value, language)
        return TranslatedText(getattr(instance, f"{self.base}_en"), "en")

    def write(self, instance, value: str):
        setattr(instance, f"{self.base}_en", value)


def translated_columns(base, field):
    """The three columns of translated field `base`: `field` in English, optional copies in French and Spanish."""
    name, path, args, kwargs = field.deconstruct()
    columns = {}
    for language in LANGUAGES:
        column_kwargs = {**kwargs, "verbose_name": format_lazy("{} ({})", field.verbose_name, LANGUAGE_NAMES[language])}
        if language != "en":
            column_kwargs["blank"] = True
            column_kwargs.pop("default", None)
        columns[f"{base}_{language}"] = field.__class__(*args, **column_kwargs)
    return columns


def translated(model_name, /, **fields):
    """An abstract model with each of `fields` translated: `translated("Named", name=models.CharField(…))`."""
    attributes = {"__module__": __name__, "Meta": type("Meta", (), {"abstract": True})}
    for base, field in fields.items():
        attributes.update(translated_columns(base, field))
        attributes[base] = Translated()
    model = type(model_name, (models.Model,), attributes)
    model.translated_fields = tuple(fields)
    return model


def translated_field_names(model):
    """The translated fields of `model` (its own and its bases'), in declaration order."""
    names = []
    for klass in reversed(model.__mro__):
        for base in klass.__dict__.get("translated_fields", ()):
            if base not in names:
                names.append(base)
    return names


def localized(base, language=None):
    """An expression for translated field `base` (a path such as "organisation__name") in `language` (the active
    one by default), English where the translation is empty: to order or annotate by it."""
    language = language or active_language()
    if language == "en" or language not in TRANSLATIONS:
        return models.F(f"{base}_en")
    return Coalesce(NullIf(f"{base}_{language}", Value("")), f"{base}_en")


def any_language(base, lookup, value):
    """A filter matching translated field `base` in any of the three languages: search finds "Québec" from any."""
    query = Q()
    for language in LANGUAGES:
        query |= Q(**{f"{base}_{language}__{lookup}": value})
    return query


def missing_translation(model, language):
    """A filter for the records of `model` with some English text that has no translation into `language`."""
    query = Q()
    for base in translated_field_names(model):
        query |= ~Q(**{f"{base}_en": ""}) & Q(**{f"{base}_{language}": ""})
    return query


def columns_from(item, *bases):
    """The columns of translated fields `bases` from a reference-data record, whose value for each is the English
    text alone or {"en": …, "fr": …, "es": …}."""
    columns = {}
    for base in bases:
        value = item[base]
        texts = value if isinstance(value, dict) else {"en": value}
        columns.update({f"{base}_{language}": texts.get(language, "") for language in LANGUAGES})
    return columns
