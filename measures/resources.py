"""Import and export of measures (django-import-export), as the admin offers them.

Import keys: Parties by ISO 3166-1 alpha-3 code (``EU`` for the European Union), organisations, areas and
domains by slug, goals by number. Several values in one cell are separated by ``|``. Every imported row
becomes a new draft; a file with any bad row imports nothing. measures/columns.py defines the columns and the
documentation's table lists them; measures/data/sample_import.csv is a sample that imports cleanly.
"""

from diff_match_patch import diff_match_patch
from django.core.exceptions import ValidationError
from django.template.defaultfilters import linebreaksbr
from django.utils.encoding import force_str
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from measures.columns import IMPORTED
from measures.export import FORMULA_PREFIXES, neutralise
from measures.models import (
    Measure,
    Party,
)

SEPARATOR = "|"


def text(value):
    return "" if value is None else force_str(value).strip()


class TextWidget(widgets.CharWidget):
    """Free text. Exported like the public CSV, with a leading apostrophe where a spreadsheet would run the cell
    as a formula; an import takes that apostrophe off again, so an export imports back unchanged."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
            return value[1:]
        return value

    def render(self, value, obj=None, **kwargs):
        return neutralise(super().render(value, obj, **kwargs))


class PartyWidget(widgets.ForeignKeyWidget):
    """A Party by its ISO3 code; ``EU`` for the European Union, which has none."""

    def __init__(self):
        super().__init__(Party, field="iso3")

    def clean(self, value, row=None, **kwargs):
        code = text(value).upper()
        if not code:
            return None
        lookup = {"slug": Party.EU_SLUG} if code == "EU" else {"iso3": code}
        try:
            return Party.objects.get(**lookup)
        except Party.DoesNotExist:
            raise ValueError(_("No Party has the ISO3 code “%(code)s”.") % {"code": code}) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.iso3 or "EU"


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record by its slug; an unknown slug is an error on that row."""

    def __init__(self, model):
        super().__init__(model, field="slug")

    def clean(self, value, row=None, **kwargs):
        slug = text(value).lower()
        if not slug:
            return None
        try:
            return self.model.objects.get(slug=slug)
        except self.model.DoesNotExist:
            raise ValueError(
                _("No %(model)s has the slug “%(slug)s”.") % {"model": self.model._meta.verbose_name, "slug": slug}
            ) from None


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Several records by a key, separated by ``|``; unlike the stock widget, an unknown key is an error."""

    def __init__(self, model, field):
        super().__init__(model, separator=SEPARATOR, field=field)

    def clean(self, value, row=None, **kwargs):
        keys = [key.strip().lower() for key in text(value).split(self.separator) if key.strip()]
        if not keys:
            return self.model.objects.none()
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        known = {str(getattr(obj, self.field)).lower() for obj in found}
        unknown = [key for key in keys if key not in known]
        if unknown:
            raise ValueError(
                _("Unknown %(model)s: %(keys)s.")
                % {"model": self.model._meta.verbose_name_plural, "keys": ", ".join(unknown)}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.separator.join(str(getattr(related, self.field)) for related in value.all())


class ChoiceWidget(widgets.CharWidget):
    """One of a TextChoices' values; empty gives the default."""

    def __init__(self, choices, default):
        self.choices, self.default = choices, default
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        value = text(value).lower()
        if not value:
            return self.default
        if value not in self.choices.values:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(self.choices.values)}
            )
        return value


class FlagWidget(widgets.BooleanWidget):
    """yes/no, true/false or 1/0; empty means no. Anything else is an error rather than a silent no."""

    TRUE = {"1", "true", "yes", "y"}
    FALSE = {"0", "false", "no", "n", ""}

    def clean(self, value, row=None, **kwargs):
        value = text(value).lower()
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        raise ValueError(_("“%(value)s” is not yes or no.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


#: The widgets the columns' `write.widget` name (measures/columns.py), built with the column's `write.args`.
WIDGETS = {
    "text": TextWidget,
    "party": PartyWidget,
    "choice": ChoiceWidget,
    "slug": SlugWidget,
    "many": StrictManyToManyWidget,
    "integer": widgets.IntegerWidget,
    "decimal": widgets.DecimalWidget,
    "flag": FlagWidget,
}
#: The columns an import reads, by header, in order.
IMPORT_COLUMNS = [column.header for column in IMPORTED]


def column(name, widget, attribute=None):
    return fields.Field(attribute=attribute or name, column_name=name, widget=widget)


def import_field(spec):
    """The resource field of a column of measures/columns.py that an import reads."""
    return column(spec.header, WIDGETS[spec.write.widget](*spec.write.args), spec.attribute)


class MeasureColumnsMeta:
    model = Measure
    fields = IMPORT_COLUMNS


#: The columns import and export share, as measures/columns.py describes them (README documents each one).
#: Built by the resources' metaclass, as a class statement would, from the columns rather than one line each.
MeasureColumns = type(resources.ModelResource)(
    "MeasureColumns",
    (resources.ModelResource,),
    {"__module__": __name__, "Meta": MeasureColumnsMeta, **{spec.header: import_field(spec) for spec in IMPORTED}},
)


class PreviewDiff(resources.Diff):
    """The import preview's cells marked up without the style attributes django-import-export writes, which the
    Content-Security-Policy blocks; static/css/admin_pages.css colours the insertions and deletions instead."""

    TAGS = {
        diff_match_patch.DIFF_INSERT: "ins",
        diff_match_patch.DIFF_DELETE: "del",
        diff_match_patch.DIFF_EQUAL: "span",
    }

    def as_html(self):
        differ = diff_match_patch()
        cells = []
        for old, new in zip(self.left, self.right, strict=False):
            if old != new and self.new:
                old = ""
            parts = differ.diff_main(force_str(old), force_str(new))
            differ.diff_cleanupSemantic(parts)
            cells.append(
                format_html_join(
                    "", "<{0}>{1}</{0}>", ((self.TAGS[op], linebreaksbr(part)) for op, part in parts if part)
                )
            )
        return cells


class MeasureImportResource(MeasureColumns):
    """Reviewers' bulk entry: every row a new draft, all rows or none."""

    class Meta:
        model = Measure
        fields = IMPORT_COLUMNS
        import_order = IMPORT_COLUMNS
        import_id_fields = []
        force_init_instance = True
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = False
        name = _("Measures (new drafts)")

    def get_diff_class(self):
        return PreviewDiff

    def import_instance(self, instance, row, **kwargs):
        """Read every column, many-to-many ones included, so a bad value is a row error before anything is saved."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.widget.clean(row[field.column_name], row=row)
                except ValueError as error:
                    errors[field.attribute] = ValidationError(force_str(error), code="invalid")
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        instance.status = Measure.Status.DRAFT
        if user is not None and user.is_authenticated:
            instance.created_by = instance.updated_by = user
            instance._history_user = user
        instance._change_reason = str(_("Imported"))


class MeasureExportResource(MeasureColumns):
    """The admin's filtered list, with the import columns plus id, status and dates."""

    id = column("id", widgets.IntegerWidget())
    status = column("status", widgets.CharWidget())
    published_at = column("published_at", widgets.DateTimeWidget())
    updated_at = column("updated_at", widgets.DateTimeWidget())

    class Meta:
        model = Measure
        fields = ["id", *IMPORT_COLUMNS, "status", "published_at", "updated_at"]
        export_order = fields
        name = _("Measures")
