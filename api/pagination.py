from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

from measures import search


class MatchesFromIndexPaginator(Paginator):
    """Counts the results of a full-text search, and reads a page of them sorted other than by relevance, through
    the GIN index (search.matches_from_index): a common word would otherwise be counted, and a rare one found, by
    testing the search vector of every published measure."""

    @cached_property
    def count(self):
        if not hasattr(self.object_list, "query"):
            return super().count
        matches = self.object_list.order_by()  # the count is the same in any order
        with search.matches_from_index(matches):
            return matches.count()

    def page(self, number):
        page = super().page(number)
        if hasattr(self.object_list, "query"):
            with search.matches_from_index(self.object_list):
                page.object_list = list(page.object_list)
        return page


class PortalPagination(PageNumberPagination):
    """`count`, `next`, `previous`, `results`; `page_size` up to 100."""

    django_paginator_class = MatchesFromIndexPaginator
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
