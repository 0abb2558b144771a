"""The API's filter backend: django-filter's, with the FilterSet the HTML pages use; a bad value is a 400 naming
the parameter. drf-spectacular documents its parameters (with what api.schema adds)."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """Also leaves the FilterSet on the view, for what a view reads of it besides the rows (the chosen cycle)."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset
