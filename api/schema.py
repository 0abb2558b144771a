"""OpenAPI parameters read from the same FilterSet classes the HTML pages use, so the two never drift."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

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
        return OpenApiTypes.INT
    return OpenApiTypes.STR


def filter_parameters(filterset_class, descriptions=None):
    """One documented query parameter per filter of `filterset_class`; `descriptions` adds detail by name."""
    descriptions = descriptions or {}
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        repeatable = _is_repeatable(filter_)
        text = str(filter_.label or name)
        if name in descriptions:
            text = f"{text}: {descriptions[name]}"
        if repeatable:
            text = text.rstrip(".") + "." + REPEATABLE
        parameters.append(
            OpenApiParameter(
                name=name,
                type=_scalar_type(filter_),
                location=OpenApiParameter.QUERY,
                required=False,
                many=repeatable,
                explode=True if repeatable else None,
                enum=_static_choices(filter_),
                description=text,
            )
        )
    return parameters


ERROR_RESPONSE = OpenApiResponse(
    description="A query parameter has a bad value; the body names each parameter with its messages.",
    response=inline_serializer(
        "ParameterErrors",
        fields={"parameter": serializers.ListField(child=serializers.CharField())},
    ),
)
NOT_FOUND_RESPONSE = OpenApiResponse(
    description="No such published record, or a page out of range.",
    response=inline_serializer("NotFound", fields={"detail": serializers.CharField()}),
)
THROTTLED_RESPONSE = OpenApiResponse(
    description="Too many requests; retry after the number of seconds in the Retry-After header.",
    response=inline_serializer("Throttled", fields={"detail": serializers.CharField()}),
)
