"""The main pages are valid HTML: the Nu Html Checker (vnu.jar, run with Java) reports no error on any of them.

vnu.jar is found through VNU_JAR (`make vnu` installs it and prints the path). Without it the test is skipped,
except where REQUIRE_VNU=1 (CI), where a missing checker is a failure.
"""

import io
import json
import os
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from experts.models import Body, Meeting, Outcome
from measures.models import Measure
from tests.factories import make_measure

pytestmark = pytest.mark.django_db

# A control document with one known error: proves the checker ran and reported, so silence means valid pages.
CONTROL_PAGE = "control-invalid.html"
CONTROL_HTML = '<!DOCTYPE html><html lang="en"><head><title>Control</title></head><body><p><div></p></body></html>'


@pytest.fixture
def vnu_command():
    jar = os.environ.get("VNU_JAR", "")
    java = shutil.which("java")
    missing = []
    if not jar or not os.path.isfile(jar):
        missing.append(f"vnu.jar (VNU_JAR={jar!r}; `make vnu` installs it)")
    if java is None:
        missing.append("java")
    if missing:
        if os.environ.get("REQUIRE_VNU") == "1":
            pytest.fail(f"REQUIRE_VNU=1 but the HTML checker cannot run: missing {' and '.join(missing)}.")
        pytest.skip(f"HTML checker not available: missing {' and '.join(missing)}")
    return [java, "-jar", jar]


def main_pages():
    """Name → address of every main page, with filters and a search where the page takes them."""
    reference_measure = Measure.objects.published().filter(is_synthetic=False).order_by("pk").first()
    synthetic_measure = (
        Measure.objects.published().filter(is_synthetic=True).exclude(main_features="").order_by("pk").first()
    )
    meeting = Meeting.objects.order_by("pk").first()
    body = Body.objects.order_by("pk").first()
    outcome = Outcome.objects.order_by("pk").first()
    return {
        "home": "/",
        "measures": "/measures/",
        "measures-filtered": "/measures/?region=Va&region=I&goal=1&reported_by=party&year_from=2010&sort=title",
        "measures-search": "/measures/?q=cultural+policy",
        "measures-invalid-filter": "/measures/?goal=abc&year_from=x",
        "measures-page-2": "/measures/?page=2",
        "measure": reference_measure.get_absolute_url(),
        "measure-synthetic": synthetic_measure.get_absolute_url(),
        "parties": "/parties/",
        "parties-filtered": "/parties/?region=III&instrument=ratification&q=a",
        "party": "/parties/can/",
        "party-eu": "/parties/eu/",
        "reports": "/reports/",
        "reports-filtered": "/reports/?cycle=2020&status=overdue&region=I",
        "report": "/parties/can/reports/2020/",
        "report-not-recorded-fr": "/fr/parties/can/reports/2012/",
        "map": "/map/",
        "map-filtered-fr": "/fr/map/?show=filtered&reported_by=civil_society",
        "map-reporting-es": "/es/map/?show=reporting",
        "organisations": "/organizations/",
        "organisation": "/organizations/cdce/",
        "stats": "/stats/",
        "stats-filtered": "/stats/?region=Va&goal=2&youth=true",
        "meetings": "/meetings/",
        "meeting": meeting.get_absolute_url(),
        "bodies": "/bodies/",
        "body": body.get_absolute_url(),
        "outcome": outcome.get_absolute_url(),
        "contribute": "/contribute/",
        "about": "/about/",
        "about-es": "/es/about/",
        "not-found": "/parties/zzz/",
        "home-fr": "/fr/",
        "measures-fr": "/fr/measures/",
        "home-es": "/es/",
        "measures-es": "/es/measures/?q=cultura",
        "admin-login": reverse("admin:login"),
    }


def signed_in_pages():
    """Name → address of the pages only signed-in people see: the preview of a draft's public page."""
    party = Measure.objects.published().filter(is_synthetic=False).order_by("pk").first().party
    draft = make_measure(
        party=party, title="A draft to preview", main_features="What it does.", status=Measure.Status.DRAFT
    )
    return {"measure-preview": reverse("measures:measure-preview", args=[draft.pk])}


def readable(messages, addresses):
    lines = []
    for message in messages:
        page = os.path.basename(message.get("url", "?")).removesuffix(".html")
        where = (
            f"line {message.get('lastLine', '?')}, column {message.get('firstColumn', message.get('lastColumn', '?'))}"
        )
        lines.append(f"{page} ({addresses.get(page, '?')}), {where}: {message['message']}")
        if message.get("extract"):
            lines.append(f"    {message['extract']!r}")
    return "\n".join(lines)


def test_main_pages_have_no_html_errors(vnu_command, client, reference_data, superuser, tmp_path):
    call_command("generate_demo_data", measures=30, seed=2, stdout=io.StringIO())
    addresses = main_pages()
    signed_in = Client()
    signed_in.force_login(superuser)
    private = signed_in_pages()
    addresses.update(private)

    files = []
    for name, address in addresses.items():
        response = (signed_in if name in private else client).get(address)
        expected_status = 404 if name == "not-found" else 200
        assert response.status_code == expected_status, f"{address} answered {response.status_code}"
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    (tmp_path / CONTROL_PAGE).write_text(CONTROL_HTML)
    files.append(str(tmp_path / CONTROL_PAGE))

    result = subprocess.run(
        [*vnu_command, "--errors-only", "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.startswith("{"), f"The checker did not run (exit status {result.returncode}):\n{result.stderr}"
    messages = json.loads(result.stdout)["messages"]
    control = [message for message in messages if message.get("url", "").endswith(CONTROL_PAGE)]
    assert control, f"The checker reported nothing on an invalid document; its output:\n{result.stdout}{result.stderr}"
    errors = [message for message in messages if message not in control]
    assert not errors, f"{len(errors)} HTML error(s):\n{readable(errors, addresses)}"
