"""The admin's export of its filtered list of measures (django-import-export), in the import's columns.

The columns are measures/columns.py's; each is rendered by the widget its `write.widget` names, so that an
export imports back unchanged through the bulk import (imports/rows.py reads the same cells).
"""

from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from measures.columns import IMPORTED
from measures.export import neutralise
from measures.models import Measure

SEPARATOR = "|"


class TextWidget(widgets.CharWidget):
    """Free text, like the public CSV: a leading apostrophe where a spreadsheet would run the cell as a formula
    (the import takes it off again)."""

    def render(self, value, obj=None, **kwargs):
        return neutralise(super().render(value, obj, **kwargs))


class PlainNumberMixin:
    """A number as the import reads it (1234.5), whatever the back office's language groups or separates."""

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IntegerWidget(PlainNumberMixin, widgets.IntegerWidget):
    pass


class DecimalWidget(PlainNumberMixin, widgets.DecimalWidget):
    pass


class PartyWidget(widgets.ForeignKeyWidget):
    """A Party by its ISO3 code; ``EU`` for the European Union, which has none."""

    def __init__(self):
        super().__init__(Measure._meta.get_field("party").related_model, field="iso3")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.iso3 or "EU"


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record by its slug."""

    def __init__(self, model):
        super().__init__(model, field="slug")


class KeysWidget(widgets.ManyToManyWidget):
    """Several records by a key, separated by ``|``."""

    def __init__(self, model, field):
        super().__init__(model, separator=SEPARATOR, field=field)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.separator.join(str(getattr(related, self.field)) for related in value.all())


class ChoiceWidget(widgets.CharWidget):
    """One of a TextChoices' values, as it is stored."""

    def __init__(self, choices, default):
        super().__init__()


class FlagWidget(widgets.BooleanWidget):
    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class PartnersWidget(widgets.Widget):
    """Partners as "Name (type)", separated by ``|``."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return SEPARATOR.join(f"{force_str(partner.name)} ({partner.entity_type})" for partner in value.all())


#: The widgets the columns' `write.widget` name (measures/columns.py), built with the column's `write.args`.
WIDGETS = {
    "text": TextWidget,
    "party": PartyWidget,
    "choice": ChoiceWidget,
    "slug": SlugWidget,
    "many": KeysWidget,
    "integer": IntegerWidget,
    "decimal": DecimalWidget,
    "flag": FlagWidget,
    "partners": PartnersWidget,
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


#: The import's columns, as measures/columns.py describes them. Built by the resources' metaclass, as a class
#: statement would, from the columns rather than one line each.
MeasureColumns = type(resources.ModelResource)(
    "MeasureColumns",
    (resources.ModelResource,),
    {"__module__": __name__, "Meta": MeasureColumnsMeta, **{spec.header: import_field(spec) for spec in IMPORTED}},
)


class MeasureExportResource(MeasureColumns):
    """The admin's filtered list, with the import columns plus id, status and dates."""

    id = column("id", IntegerWidget())
    status = column("status", widgets.CharWidget())
    published_at = column("published_at", widgets.DateTimeWidget())
    updated_at = column("updated_at", widgets.DateTimeWidget())

    class Meta:
        model = Measure
        fields = ["id", *IMPORT_COLUMNS, "status", "published_at", "updated_at"]
        export_order = fields
        name = _("Measures")
