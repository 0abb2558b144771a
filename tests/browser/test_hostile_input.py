"""In a real browser, hostile text saved through the admin stays text: no script runs, nothing is injected.

The whole corpus, joined into one text, fills every text field of the records (tests/support/hostile_input.py); each
public page holding them is opened in Chromium.
"""

import pytest

from measures.models import Measure
from tests.factories import make_party
from tests.support.hostile_input import CORPUS, Hostile, HostileRecords, public_pages
from tests.support.workflow import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVERYTHING = Hostile("everything", " ".join(sample.text for sample in CORPUS if not sample.fills_field))
(VERY_LONG,) = [sample for sample in CORPUS if sample.fills_field]

INJECTED = (
    'img[src="x"], svg[onload], [onerror], [onload], [onmouseover], '
    'a[href^="javascript:" i], a[href^="data:" i], iframe, object, embed'
)


@pytest.fixture
def dialogs(page):
    """Every alert, confirm or prompt the page opens (there must be none)."""
    opened = []

    def dismiss(dialog):
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return opened


def open_page(page, live_server, path):
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200, path
    page.wait_for_load_state("load")


def test_no_script_runs_and_nothing_is_injected_on_any_page(page, live_server, dialogs):
    world = World()
    records = HostileRecords(world, world.reviewer, EVERYTHING)
    for path, _values in public_pages(records):
        open_page(page, live_server, path)
        # Hovering is what an onmouseover would wait for.
        page.locator("main").hover()
        assert page.locator(INJECTED).count() == 0, path
        inline_scripts = page.locator("script:not([src])").all_inner_texts()
        assert not [script for script in inline_scripts if "alert" in script], path
        assert dialogs == [], path
    open_page(page, live_server, records.measure.get_absolute_url())
    heading = page.get_by_role("heading", level=1)
    assert "<script>alert(1)</script>" in heading.inner_text()
    assert '"><img src=x onerror=alert(1)>' in heading.inner_text()
    assert "{{ 7*7 }}{% debug %}" in heading.inner_text()
    assert heading.is_visible()
    assert "<script>alert(1)</script>" in page.title()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_very_long_unbroken_text_does_not_widen_the_page(page, live_server, width):
    world = World()
    records = HostileRecords(world, world.reviewer, VERY_LONG)
    page.set_viewport_size({"width": width, "height": 800})
    for path, _values in public_pages(records):
        open_page(page, live_server, path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the window"


def test_a_right_to_left_override_does_not_reverse_the_text_after_it(page, live_server):
    party = make_party(name_en="Canada", iso3="CAN")
    measure = Measure.objects.create(
        title="Report \u202egnp.exe", party=party, report_year=2024, language="en", status=Measure.Status.PUBLISHED
    )
    open_page(page, live_server, "/")
    item = page.locator("main li", has=page.locator(f'a[href="{measure.get_absolute_url()}"]'))
    # The link, then " — Canada, 2024" after it: with the override contained, that text is to the link's right.
    link_right, text_left = item.evaluate(
        """item => {
            const link = item.querySelector('a');
            const range = document.createRange();
            range.setStartAfter(link);
            range.setEndAfter(item.lastChild);
            return [link.getBoundingClientRect().right, range.getBoundingClientRect().left];
        }"""
    )
    assert text_left >= link_right - 1
