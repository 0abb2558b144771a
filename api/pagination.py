from rest_framework.pagination import PageNumberPagination

from measures.pagination import MeasurePaginator


class PortalPagination(PageNumberPagination):
    """`count`, `next`, `previous`, `results`; `page_size` up to 100."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class MeasurePagination(PortalPagination):
    """The same pages of measures, counted and read as the portal's list reads them (MeasurePaginator)."""

    django_paginator_class = MeasurePaginator
