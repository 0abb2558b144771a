"""What the browser tests of the measures list share: a catalogue with more than a page of results, and the result
count as the page shows it."""

from tests.factories import make_measure
from tests.support.catalogue import build_catalogue


def catalogue_with_a_long_list():
    """build_catalogue(), with 25 more published measures of Canada in one area: more than one page of results."""
    catalogue = build_catalogue()
    for number in range(25):
        measure = make_measure(
            party=catalogue.parties["CAN"], status="published", title=f"Canadian cultural measure {number:02d}"
        )
        measure.areas.set([catalogue.areas["cultural-and-creative-sectors"]])
    return catalogue


def result_count(page):
    return page.locator("#results-heading").inner_text()
