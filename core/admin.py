"""Back-office tools for the translated reference record (core.translation): the three languages of a field side
by side, and a filter for the records whose French or Spanish is missing."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.translation import LANGUAGES, TRANSLATIONS, missing_translation, translated_field_names


def side_by_side(*bases):
    """Fieldset rows with each translated field's English, French and Spanish on one line."""
    return tuple(tuple(f"{base}_{language}" for language in LANGUAGES) for base in bases)


def in_any_language(*bases):
    """search_fields matching translated fields in any language."""
    return tuple(f"{base}_{language}" for base in bases for language in LANGUAGES)


class MissingTranslationFilter(admin.SimpleListFilter):
    """Records with English text that has no French, or no Spanish, translation."""

    title = _("translation")
    parameter_name = "missing_translation"

    def lookups(self, request, model_admin):
        return [
            ("fr", _("French translation missing")),
            ("es", _("Spanish translation missing")),
        ]

    def queryset(self, request, queryset):
        if self.value() in TRANSLATIONS:
            return queryset.filter(missing_translation(queryset.model, self.value()))
        return queryset


class TranslatedAdmin(admin.ModelAdmin):
    """An admin whose model has translated fields: the filter on missing translations, the translation columns
    styled side by side, and the missing languages counted on the change list."""

    class Media:
        css = {"all": ["css/admin_translations.css"]}

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), MissingTranslationFilter)

    @admin.display(description=_("translations"))
    def translations(self, obj):
        missing = [
            language
            for language in TRANSLATIONS
            if any(getattr(obj, f"{base}_en") and not getattr(obj, f"{base}_{language}") for base in self.translated)
        ]
        if not missing:
            return _("complete")
        return _("missing: %(languages)s") % {"languages": ", ".join(language.upper() for language in missing)}

    @property
    def translated(self):
        return translated_field_names(self.model)
