"""`manage.py import_measures`: the same check and all-or-nothing save as the back office, from a terminal."""

import io

import pytest
from django.core.management import CommandError, call_command

from measures.models import Measure
from tests.support.imports import SAMPLE, csv_bytes, good_row, many_rows
from tests.support.workflow import World, ensure_role_groups, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(reference_data):
    ensure_role_groups()
    return make_user("secretariat", "Secretariat reviewers")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_measures", *args, stdout=out, stderr=err)
    return out.getvalue()


def written(tmp_path, content, name="measures.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_five_thousand_rows_import_and_every_row_is_there(reviewer, tmp_path):
    before = Measure.objects.count()
    output = run(written(tmp_path, csv_bytes(many_rows(5000))))
    assert output.startswith("Read 5,000 rows; imported 5,000 as drafts of secretariat, skipped 0 repeated rows.")
    assert "rows/s" in output
    imported = Measure.objects.filter(title__endswith=": imported measure")
    assert Measure.objects.count() == before + 5000
    assert set(imported.values_list("status", flat=True)) == {Measure.Status.DRAFT}
    lines = sorted(int(title.split(":")[0].removeprefix("Row ")) for title in imported.values_list("title", flat=True))
    assert lines == list(range(2, 5002))
    # Areas, domains and partners of every row, as the sample gives them.
    areas = sum(len(row["areas"].split("|")) for row in many_rows(5000))
    assert Measure.areas.through.objects.filter(measure__in=imported).count() == areas
    assert imported.filter(partners__isnull=False).distinct().count() == 1667


def test_a_bad_row_at_line_4000_imports_nothing_and_names_the_line(reviewer, tmp_path, capsys):
    rows = many_rows(5000)
    rows[3998]["party"] = "XYZ"
    before = Measure.objects.count()
    with pytest.raises(CommandError, match=r"1 row of 5,000 has errors .* nothing was imported"):
        run(written(tmp_path, csv_bytes(rows)))
    assert Measure.objects.count() == before


def test_a_dry_run_checks_and_saves_nothing(reviewer, tmp_path):
    before = Measure.objects.count()
    output = run(written(tmp_path, SAMPLE.read_bytes()), "--dry-run")
    assert output.startswith("Checked 3 rows in ")
    assert "no errors, 0 repeated rows. Nothing saved (--dry-run)." in output
    assert Measure.objects.count() == before


def test_problems_are_listed_on_stderr_by_line_and_column(reviewer, tmp_path):
    err = io.StringIO()
    path = written(tmp_path, csv_bytes([good_row(), good_row(party="XYZ"), good_row(is_youth="maybe")]))
    with pytest.raises(CommandError):
        call_command("import_measures", path, stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "error: line 3, party: no Party has the code XYZ.",
        "error: line 4, is_youth: “maybe” is not yes or no.",
    ]


def test_an_xlsx_file_imports(reviewer, tmp_path):
    import csv

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))):
        sheet.append(row)
    path = tmp_path / "sample.xlsx"
    workbook.save(path)
    assert run(str(path)).startswith("Read 3 rows; imported 3 as drafts")


def test_as_names_the_creator_whose_reach_applies(tmp_path, reference_data):
    world = World()
    world.party.iso3 = "HOM"
    world.party.save()
    own = good_row(party="HOM", reported_by="civil_society", organisation="own-coalition", title="Ours")
    output = run(written(tmp_path, csv_bytes([own])), "--as", "editor")
    assert "imported 1 as drafts of editor" in output
    assert Measure.objects.get(title="Ours").created_by == world.editor
    theirs = {**own, "organisation": "other-coalition", "title": "Theirs"}
    with pytest.raises(CommandError, match="1 row of 1 has errors"):
        run(written(tmp_path, csv_bytes([theirs])), "--as", "editor")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "nobody-here"], "No active user is called 'nobody-here'."),
        ([], "There is no secretariat user to create the drafts: give one with --as USERNAME."),
    ],
)
def test_no_user_to_import_as_is_refused_with_a_message(reference_data, tmp_path, args, message):
    with pytest.raises(CommandError, match=message.replace(".", r"\.").replace("(", r"\(")):
        run(written(tmp_path, SAMPLE.read_bytes()), *args)


def test_a_file_that_cannot_be_read_is_refused(reviewer, tmp_path):
    with pytest.raises(CommandError, match="Cannot open"):
        run(str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="UTF-8"):
        run(written(tmp_path, "title,party\nCafé,FRA\n".encode("latin-1")))


def test_columns_prints_the_documented_table(reference_data):
    output = run("--columns")
    assert output.startswith("| column | content |\n|---|---|\n| `title` |")
