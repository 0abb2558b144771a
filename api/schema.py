"""What drf-spectacular does not document by itself: the bounds and repetition of some filters, and the errors.

drf-spectacular's django-filter support documents each filter of the FilterSet the HTML pages use (its
`help_text`, or else its label, becomes the parameter's description), so the two never drift.
"""

from django import forms
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_array_type


class FilterSetExtension(DjangoFilterExtension):
    """drf-spectacular's django-filter support, told what it cannot read from a filter of its own kind: a filter
    whose form field takes several values (a repeated parameter) is an array, and a number with bounds is an
    integer between them."""

    target_class = "api.filters.FilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        # Read from the filter, not its form field: building that may query (the choices of a ModelChoiceFilter).
        field_class, extra = filter_field.field_class, filter_field.extra
        widget = extra.get("widget") or field_class.widget
        repeatable = getattr(widget, "allow_multiple_selected", False) or isinstance(widget, forms.MultipleHiddenInput)
        repeatable = repeatable or (isinstance(widget, type) and issubclass(widget, forms.MultipleHiddenInput))
        bounds = {
            "minimum": extra.get("min_value", getattr(field_class, "min_value", None)),
            "maximum": extra.get("max_value", getattr(field_class, "max_value", None)),
        }
        for parameter in parameters:
            if repeatable and parameter["schema"].get("type") != "array":
                parameter.update(schema=build_array_type(parameter["schema"]), explode=True, style="form")
            if issubclass(field_class, forms.IntegerField) or None not in bounds.values():
                value = parameter["schema"].get("items", parameter["schema"])
                value.clear()
                value.update(type="integer", **{key: bound for key, bound in bounds.items() if bound is not None})
        return parameters


ERROR_SCHEMAS = {
    "ParameterErrors": {
        "type": "object",
        "description": "Each bad query parameter with its messages.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    "Detail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
}
ERROR_RESPONSES = {
    "400": ("A query parameter has a bad value; the body names each parameter.", "ParameterErrors"),
    "404": ("No such published record, or a page out of range.", "Detail"),
    "429": ("Too many requests; retry after the seconds in the Retry-After header.", "Detail"),
}


def add_error_responses(result, generator, request, public):
    """Document on every operation the errors any request can meet (400 only where there are query parameters)."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            has_query = any(parameter.get("in") == "query" for parameter in operation.get("parameters", []))
            for status, (description, schema_name) in ERROR_RESPONSES.items():
                if status == "400" and not has_query:
                    continue
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
                    },
                )
    return result
