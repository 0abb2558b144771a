"""Lighthouse scores 100 for accessibility on the main public pages, in English, French and Spanish.

axe-core (the other accessibility tests) fails only on serious or critical problems; Lighthouse's accessibility
category weighs every audit it runs (axe-core rules plus a few of its own), so 100 means none failed at all.

Lighthouse is found through LIGHTHOUSE (`make lighthouse` installs it and prints the path); it runs with Node and
drives Debian's Chromium. Without it the test is skipped, except where REQUIRE_LIGHTHOUSE=1 (CI), where a missing
Lighthouse is a failure. Each address is a Lighthouse run of its own (a fresh Chromium, about ten seconds); the
three languages of a page run side by side.
"""

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from measures.models import AreaOfMonitoring, CulturalDomain, Measure, Party
from tests.factories import make_measure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
LANGUAGE_PREFIXES = ("", "/fr", "/es")

# Name → address (in English; the French and Spanish ones add their prefix). A page joins the list by a line here.
PAGES = {
    "map": "/map/",
    "party": "/parties/can/",
    "report": "/parties/can/reports/2020/",
    "compare": "/parties/compare/?party=CAN&party=FRA",
}

# Measures for Canada and France in their 2016 and 2020 reports, across areas, domains and the cross-cutting flags,
# so that the map's figures, the Party's charts and its table comparing two cycles, and the report's sections all
# have something in them.
MEASURES = [
    ("CAN", 2020, "Canada Music Fund", ["cultural-and-creative-sectors", "digital-environment"], ["music"], {}),
    ("CAN", 2020, "Local broadcasting support", ["media-diversity"], ["cinema-audiovisual-arts"], {"is_youth": True}),
    ("CAN", 2020, "Arts abroad mobility grants", ["mobility-of-artists-and-cultural-professionals"], ["music"], {}),
    ("CAN", 2020, "Women in film fund", ["gender-equality"], ["cinema-audiovisual-arts"], {"is_innovative": True}),
    ("CAN", 2016, "Canada Book Fund", ["cultural-and-creative-sectors"], ["publishing"], {}),
    ("FRA", 2020, "Centre national du livre grants", ["cultural-and-creative-sectors"], ["publishing"], {}),
    ("FRA", 2020, "Culture pass for young people", ["digital-environment"], ["multidomain"], {"is_youth": True}),
    ("FRA", 2020, "Artists' residencies abroad", ["mobility-of-artists-and-cultural-professionals"], ["design"], {}),
    ("FRA", 2016, "Co-production fund with Africa", ["flow-of-cultural-goods-and-services"], ["media-arts"], {}),
]


@pytest.fixture
def lighthouse_command():
    command = os.environ.get("LIGHTHOUSE", "")
    missing = []
    if not command or not os.access(command, os.X_OK):
        missing.append(f"Lighthouse (LIGHTHOUSE={command!r}; `make lighthouse` installs it)")
    if shutil.which("node") is None:
        missing.append("node")
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(CHROMIUM)
    if missing:
        if os.environ.get("REQUIRE_LIGHTHOUSE") == "1":
            pytest.fail(f"REQUIRE_LIGHTHOUSE=1 but Lighthouse cannot run: missing {' and '.join(missing)}.")
        pytest.skip(f"Lighthouse not available: missing {' and '.join(missing)}")
    return [
        command,
        "--only-categories=accessibility",
        "--output=json",
        "--quiet",
        "--disable-full-page-screenshot",  # only the report's JSON is read; the screenshot costs a second or more
        "--chrome-flags=--headless=new --no-sandbox",
    ]


@pytest.fixture
def published_measures(reference_data):
    for iso3, year, title, areas, domains, flags in MEASURES:
        measure = make_measure(
            party=Party.objects.get(iso3=iso3),
            title=title,
            status=Measure.Status.PUBLISHED,
            report_year=year,
            period_start=year - 3,
            period_end=year,
            main_features=f"{title}: support for the diversity of cultural expressions.",
            **flags,
        )
        measure.areas.set(AreaOfMonitoring.objects.filter(slug__in=areas))
        measure.domains.set(CulturalDomain.objects.filter(slug__in=domains))


def run_lighthouse(command, url):
    """Lighthouse's report (its `lhr`) on the page at `url`."""
    completed = subprocess.run(
        [*command, url],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, f"Lighthouse failed on {url}:\n{completed.stderr[-3000:]}"
    report = json.loads(completed.stdout)
    assert not report.get("runtimeError"), f"Lighthouse could not audit {url}: {report['runtimeError']}"
    return report


def failures(report):
    """What to fix: each failing accessibility audit with the elements it names."""
    lines = []
    for reference in report["categories"]["accessibility"]["auditRefs"]:
        audit = report["audits"][reference["id"]]
        if reference["weight"] == 0 or audit["score"] is None or audit["score"] >= 1:
            continue
        lines.append(f"  {audit['id']}: {audit['title']}")
        for item in (audit.get("details") or {}).get("items", []):
            node = item.get("node") or {}
            lines.append(f"    {node.get('selector', '')}  {node.get('snippet', '')}")
            if node.get("explanation"):
                lines.append("      " + node["explanation"].replace("\n", "\n      "))
    return lines


@pytest.mark.parametrize("path", PAGES.values(), ids=list(PAGES))
def test_accessibility_score_is_100_in_every_language(lighthouse_command, live_server, published_measures, path):
    urls = [f"{live_server.url}{prefix}{path}" for prefix in LANGUAGE_PREFIXES]
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        reports = list(pool.map(lambda url: run_lighthouse(lighthouse_command, url), urls))
    problems = []
    for url, report in zip(urls, reports, strict=True):
        score = report["categories"]["accessibility"]["score"]
        if score != 1:
            problems.append(f"{url}: accessibility {score}")
            problems.extend(failures(report))
    assert not problems, "Lighthouse accessibility below 100:\n" + "\n".join(problems)
