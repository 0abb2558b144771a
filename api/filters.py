from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend


class FilterSetBackend(BaseFilterBackend):
    """Apply the view's FilterSet (the one the HTML pages use); a bad value is a 400 naming the parameter.

    The parameters are documented from the same FilterSet by api.schema.filter_parameters.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is None:
            return queryset
        filterset = filterset_class(request.query_params, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs

    def get_schema_operation_parameters(self, view):
        return []
