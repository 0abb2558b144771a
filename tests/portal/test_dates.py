"""One date style per language, from Django's format localisation (convention_portal/formats/ for English)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("prefix", "deposit"),
    [("", "19 February 2007"), ("/fr", "19 février 2007"), ("/es", "19 de febrero de 2007")],
)
def test_a_party_s_dates_read_as_its_language_writes_them(client, reference_data, prefix, deposit):
    page = client.get(f"{prefix}/parties/ita/").content.decode()
    assert f'<time datetime="2007-02-19">{deposit}</time>' in page


@pytest.mark.parametrize(
    ("prefix", "example"), [("", "February 2007"), ("/fr", "février 2007"), ("/es", "de febrero de 2007")]
)
def test_the_parties_list_writes_dates_the_same_way(client, reference_data, prefix, example):
    assert example in client.get(f"{prefix}/parties/").content.decode()


@pytest.mark.parametrize(
    ("prefix", "day", "days", "month"),
    [
        ("", "27 May 2024", "28–30 May 2024", "November 2024"),
        ("/fr", "27 mai 2024", "28–30 mai 2024", "novembre 2024"),
        ("/es", "27 de mayo de 2024", "28–30 de mayo de 2024", "noviembre de 2024"),
    ],
)
def test_meetings_read_as_each_language_writes_dates(client, reference_data, prefix, day, days, month):
    listed = client.get(f"{prefix}/meetings/").content.decode()
    assert all(date in listed for date in (day, days, month))
    assert days in client.get(f"{prefix}/meetings/group-of-experts-quebec-city-2024/").content.decode()
    assert month in client.get(f"{prefix}/meetings/group-of-experts-paris-2024/").content.decode()


@pytest.mark.parametrize(
    ("prefix", "deadline"), [("", "30 June 2027"), ("/fr", "30 juin 2027"), ("/es", "30 de junio de 2027")]
)
def test_the_reporting_deadline_reads_as_each_language_writes_it(client, reference_data, prefix, deadline):
    assert deadline in client.get(f"{prefix}/parties/can/").content.decode()


def test_no_template_spells_out_a_date_pattern():
    """Dates for people name a format (DATE_FORMAT…); only machine attributes use ISO 8601."""
    import re
    from pathlib import Path

    from django.conf import settings

    patterns = set()
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for pattern in re.findall(r'date:["\']([^"\']+)["\']', template.read_text(encoding="utf-8")):
            patterns.add(pattern)
    assert patterns <= {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "Y-m-d", r"Y-m-d\TH:i:sO"}, patterns
