"""Pages of measures, for the list and the API: a page's ids first, then only those rows with their relations."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from measures import search


class MeasurePaginator(Paginator):
    """Reads a page's ids first, then only those rows with their relations: the ids of a deep page, or of a page
    sorted by a wide column such as the title, come from the ordering's index or from a sort of narrow rows, where
    reading the full rows of every page before it, or of every match, would cost far more.

    Under a full-text search sorted other than by relevance, the count and the ids read the matches through the
    GIN index (search.matches_from_index): a common word would otherwise be counted, and a rare one found, by
    testing the search vector of every published measure."""

    @cached_property
    def count(self):
        matches = self.object_list.order_by()  # the count is the same in any order
        with search.matches_from_index(matches):
            return matches.count()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        with search.matches_from_index(self.object_list):  # sorted other than by relevance: a bitmap, then sorted
            ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
