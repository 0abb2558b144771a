"""docs/downloads.md documents every download, its column tables generated from the column lists."""

from pathlib import Path

from core.spreadsheets import markdown_table
from experts.columns import MEETINGS
from measures import export_xlsx
from measures.directory.columns import PARTIES, REPORTS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_tables_are_the_generated_ones():
    text = (DOCS / "downloads.md").read_text(encoding="utf-8")
    for table in (
        export_xlsx.markdown_table(),
        markdown_table(PARTIES),
        markdown_table(REPORTS),
        markdown_table(MEETINGS),
    ):
        assert table in text, f"docs/downloads.md should hold this table as generated:\n{table}"


def test_every_download_url_is_documented_and_the_page_is_linked():
    text = (DOCS / "downloads.md").read_text(encoding="utf-8")
    for url in (
        "/measures/export.csv",
        "/measures/export.xlsx",
        "/parties/export.csv",
        "/parties/export.xlsx",
        "/reports/export.csv",
        "/reports/export.xlsx",
        "/meetings/export.csv",
        "/meetings/export.xlsx",
    ):
        assert f"`{url}" in text, url
    assert "(downloads.md)" in (DOCS / "README.md").read_text(encoding="utf-8")
