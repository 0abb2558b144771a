"""OpenAPI parameters read from the same FilterSet classes the HTML pages use, so the two never drift."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

REPEATABLE = " Repeat the parameter for several values (OR)."


def _is_repeatable(filter_):
    return isinstance(filter_, django_filters.MultipleChoiceFilter) or "List" in type(filter_).__name__


def _static_choices(filter_):
    choices = filter_.extra.get("choices")
    if choices is None or callable(choices):
        return None
    return [str(value) for value, _label in choices]


def _scalar_type(filter_):
    if isinstance(filter_, django_filters.NumberFilter) or "Year" in type(filter_).__name__:
        bounds = {"minimum": filter_.extra.get("min_value"), "maximum": filter_.extra.get("max_value")}
        return {"type": "integer", **{key: value for key, value in bounds.items() if value is not None}}
    return OpenApiTypes.STR


def filter_parameters(filterset_class, descriptions=None):
    """One documented query parameter per filter of `filterset_class`; `descriptions` adds detail by name, and
    otherwise the filter's own `help_text`, if it has one."""
    descriptions = descriptions or {}
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        repeatable = _is_repeatable(filter_)
        scalar_type = _scalar_type(filter_)
        if repeatable and isinstance(scalar_type, dict):
            scalar_type = OpenApiTypes.INT
        text = str(filter_.label or name)
        detail = descriptions.get(name) or filter_.extra.get("help_text")
        if detail:
            text = f"{text}: {detail}"
        if repeatable:
            text = text.rstrip(".") + "." + REPEATABLE
        parameters.append(
            OpenApiParameter(
                name=name,
                type=scalar_type,
                location=OpenApiParameter.QUERY,
                required=False,
                many=repeatable,
                explode=True if repeatable else None,
                enum=_static_choices(filter_),
                description=text,
            )
        )
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
