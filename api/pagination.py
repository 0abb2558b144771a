from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

from measures import search


class MatchesCountedFromIndex(Paginator):
    """Counts the results of a full-text search through the GIN index (search.matches_from_index): a common
    word would otherwise be counted by testing the search vector of every published measure."""

    @cached_property
    def count(self):
        if not hasattr(self.object_list, "query"):
            return super().count
        with search.matches_from_index(self.object_list):
            return self.object_list.count()


class PortalPagination(PageNumberPagination):
    """`count`, `next`, `previous`, `results`; `page_size` up to 100."""

    django_paginator_class = MatchesCountedFromIndex
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
