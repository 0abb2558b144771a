"""The sitemap: every public page in each of the portal's languages, each naming the others (hreflang).

/sitemap.xml is an index of one sitemap per section (/sitemap-<section>.xml), each split into pages (?p=2…) of
at most 50,000 addresses as search engines require, 15,000 for the measures; the measures' section holds
published measures only.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import Resolver404, resolve, reverse

from convention_portal import page_cache
from experts.models import Body, Meeting, Outcome
from measures.models import Measure, Organisation, Party, PeriodicReport

# The lists and pages that are not records, by URL name.
STATIC_PAGES = [
    "measures:home",
    "measures:measure-list",
    "measures:party-list",
    "measures:report-list",
    "measures:organisation-list",
    "measures:stats",
    "measures:world-map",
    "experts:meeting-list",
    "experts:body-list",
    "accounts:contribute",
]
# Pages listed by their English address where their URL name may change; absent ones are left out.
STATIC_PATHS = ["/about/"]


class LanguageExpanded:
    """(record, language) pairs over a queryset, read one page at a time.

    The framework pairs every record with every language in one list before it cuts a page out of it; with
    50,000 measures that is 150,000 pairs built for each page. This gives the paginator the same sequence,
    counted by the database and read a page's worth of records at a time.
    """

    def __init__(self, queryset, languages):
        self.queryset = queryset
        self.languages = list(languages)
        self._length = None

    def __len__(self):
        if self._length is None:
            self._length = self.queryset.count() * len(self.languages)
        return self._length

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("LanguageExpanded is read by slices")
        start, stop, _step = index.indices(len(self))
        per_record = len(self.languages)
        records = self.queryset[start // per_record : -(-stop // per_record)]
        pairs = [(record, language) for record in records for language in self.languages]
        offset = (start // per_record) * per_record
        return pairs[start - offset : stop - offset]


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def _items(self):
        items = self.items()
        if hasattr(items, "count") and hasattr(items, "query"):
            return LanguageExpanded(items, self._languages())
        return super()._items()


class StaticPagesSitemap(PortalSitemap):
    changefreq = "daily"

    def items(self):
        names = list(STATIC_PAGES)
        for path in STATIC_PATHS:
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.view_name not in names:
                names.append(match.view_name)
        return names

    def location(self, name):
        return reverse(name)


class MeasureSitemap(PortalSitemap):
    changefreq = "monthly"
    # 5,000 measures a page (each in three languages): a page of the 50,000 addresses search engines accept would
    # take some 7 s and 17 MB to write whenever a change empties the page cache; this one about 2 s and 5 MB.
    limit = 15_000

    def items(self):
        # Published only: a draft, submitted or withdrawn measure must never be announced to a crawler.
        return Measure.objects.published().only("pk", "updated_at").order_by("pk")

    def lastmod(self, measure):
        return measure.updated_at

    def get_latest_lastmod(self):
        # When this list last changed: a withdrawal changes it too, which the newest published measure misses.
        return page_cache.last_public_change()


class PartySitemap(PortalSitemap):
    changefreq = "weekly"

    def items(self):
        return Party.objects.only("pk", "slug").order_by("slug")


class ReportSitemap(PortalSitemap):
    changefreq = "monthly"

    def items(self):
        # Only recorded reports: a cycle a Party is merely listed in shows nothing of its own.
        return PeriodicReport.objects.select_related("party", "cycle").order_by("party__slug", "cycle__year")

    def location(self, report):
        return reverse("measures:report-detail", args=[report.party.slug, report.cycle.year])


class ReferenceSitemap(PortalSitemap):
    """The pages of one kind of reference record, by their address key."""

    changefreq = "monthly"
    model = None

    def items(self):
        return self.model.objects.only("pk", "slug").order_by("slug")


def reference_sitemap(model):
    return type(f"{model.__name__}Sitemap", (ReferenceSitemap,), {"model": model})


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "measures": MeasureSitemap,
    "parties": PartySitemap,
    "reports": ReportSitemap,
    "organisations": reference_sitemap(Organisation),
    "meetings": reference_sitemap(Meeting),
    "bodies": reference_sitemap(Body),
    "outcomes": reference_sitemap(Outcome),
}
