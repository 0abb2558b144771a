"""The bulk import of measures, one code path for the back office's jobs, `manage.py import_measures` and the tests.

Two passes over the file, both streamed in batches: `check` reads every row and reports every problem, saving
nothing; `save` reads the file again (the reference data may have changed since), refuses it if any row is now
wrong, and inserts the rows in one transaction, so that a file imports whole or not at all, even if the process
is killed half-way. Rows that repeat another row of the file or a recorded measure (same Party or organisation,
title and report year) are warnings: the importer chooses to skip or import them.
"""

import io
import os
import time
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.translation import LANGUAGES
from imports.reading import ImportFileError, open_table
from imports.rows import Candidate, CellError, Problem, Reference, RowReader
from imports.saving import save_batch
from measures.models import Measure, Organisation, ReportedBy
from measures.search import organisation_names as organisation_names_of

BATCH_SIZE = 500
#: Rows shown in the preview before the import is confirmed.
PREVIEW_ROWS = 20


class Duplicates(models.TextChoices):
    SKIP = "skip", gettext_lazy("Skip them")
    IMPORT = "import", gettext_lazy("Import them too")


class FileRefused(Exception):
    """The file cannot be imported as a whole (unreadable, bad header); str() says why to its author."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line


class RowsRefused(Exception):
    """Saving found rows with errors: nothing was saved."""

    def __init__(self, outcome):
        super().__init__(_("%(count)d rows have errors: nothing was imported.") % {"count": outcome.rows_with_errors})
        self.outcome = outcome


@dataclass
class Outcome:
    """What a pass over a file found or did."""

    rows: int = 0
    rows_with_errors: int = 0
    problems: int = 0
    duplicates: int = 0
    imported: int = 0
    skipped: int = 0
    seconds: float = 0.0
    preview: list = field(default_factory=list)

    @property
    def valid(self):
        return self.rows_with_errors == 0

    @property
    def rows_per_second(self):
        return self.rows / self.seconds if self.seconds else 0.0


class DuplicateFinder:
    """Marks rows repeating an earlier row of the file (by line) or a recorded measure (by id), one query a batch.

    The rows seen are remembered by a hash of their key, not the key (which holds the title): a few dozen bytes a
    row, however long the titles."""

    def __init__(self):
        self.seen = {}

    def mark(self, candidates):
        titles = {candidate.fields["title"] for candidate in candidates}
        recorded = {}
        for pk, reported_by, party_id, organisation_id, title, year in Measure.objects.filter(
            title__in=titles
        ).values_list("pk", "reported_by", "party_id", "organisation_id", "title", "report_year"):
            reporter = organisation_id if reported_by == ReportedBy.CIVIL_SOCIETY else None
            recorded.setdefault((reported_by, party_id, reporter, title.casefold(), year), pk)
        for candidate in candidates:
            key = candidate.duplicate_key
            if hash(key) in self.seen:
                candidate.duplicate_of = _("the same reporter, title and report year as line %(line)s") % {
                    "line": number_format(self.seen[hash(key)], force_grouping=True)
                }
            elif key in recorded:
                candidate.duplicate_of = _(
                    "a measure already recorded (no. %(id)s) has the same reporter, title and report year"
                ) % {"id": recorded[key]}
            else:
                self.seen[hash(key)] = candidate.line


def preview_row(line, result, reader):
    """A row as the preview shows it: a few columns as the file gives them, and what the check found."""
    if isinstance(result, Candidate):
        fields = result.fields
        return {
            "line": line,
            "title": fields["title"],
            "party": reader.reference.party_codes.get(fields["party_id"], ""),
            "reported_by": fields["reported_by"],
            "report_year": fields.get("report_year"),
            "areas": [area.slug for area in result.areas],
            "domains": [domain.slug for domain in result.domains],
            "language": fields.get("language"),
            "duplicate_of": result.duplicate_of,
            "errors": [],
        }
    return {"line": line, "errors": [f"{problem.column}: {problem.message}" for problem in result]}


class Pass:
    """One reading of the file, row by row in batches, for `importer`."""

    def __init__(self, fileobj, name, importer, reference=None):
        self.fileobj = fileobj
        try:
            self.table = open_table(fileobj, name)
            self.reader = RowReader(self.table.headers, importer, reference)
        except ImportFileError as error:
            raise FileRefused(str(error), getattr(error, "line", None)) from error
        except CellError as error:
            raise FileRefused(str(error), 1) from error

    def batches(self):
        """Lists of (line, Candidate or problems), BATCH_SIZE rows each, duplicates marked."""
        duplicates = DuplicateFinder()
        batch = []
        try:
            for line, cells in self.table.rows():
                batch.append((line, self.reader.read(line, cells)))
                if len(batch) == BATCH_SIZE:
                    duplicates.mark([result for _line, result in batch if isinstance(result, Candidate)])
                    yield batch
                    batch = []
        except ImportFileError as error:
            raise FileRefused(str(error), getattr(error, "line", None)) from error
        if batch:
            duplicates.mark([result for _line, result in batch if isinstance(result, Candidate)])
            yield batch

    def position(self):
        """How far into the file reading is, from 0 to 1, where the file object can tell."""
        try:
            size = getattr(self.fileobj, "size", None) or os.fstat(self.fileobj.fileno()).st_size
            return min(1.0, self.fileobj.tell() / size) if size else None
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            return None


def check(fileobj, name, importer, *, on_problem, on_progress=None):
    """Read every row and report each problem to `on_problem(Problem)`; save nothing. Returns the Outcome with
    the first rows' preview. Raises FileRefused for a file that cannot be read as a table of measures."""
    started = time.perf_counter()
    outcome = Outcome()
    reading = Pass(fileobj, name, importer)
    for batch in reading.batches():
        for line, result in batch:
            outcome.rows += 1
            if isinstance(result, Candidate):
                if result.duplicate_of:
                    outcome.duplicates += 1
                    on_problem(Problem(line, "title", result.duplicate_of, warning=True))
            else:
                outcome.rows_with_errors += 1
                outcome.problems += len(result)
                for problem in result:
                    on_problem(problem)
            if len(outcome.preview) < PREVIEW_ROWS:
                outcome.preview.append(preview_row(line, result, reading.reader))
        if on_progress:
            on_progress(outcome.rows, reading.position())
    outcome.seconds = time.perf_counter() - started
    return outcome


def save(fileobj, name, importer, *, duplicates=Duplicates.SKIP, on_progress=None):
    """Read the file again and insert every row as a draft of `importer.user`, in one transaction. Raises
    RowsRefused (nothing saved) if any row has an error now, FileRefused if the file cannot be read."""
    started = time.perf_counter()
    outcome = Outcome()
    reference = Reference()
    organisation_names = {
        organisation.pk: organisation_names_of(organisation)
        for organisation in Organisation.objects.only("pk", *(f"name_{code}" for code in LANGUAGES))
    }
    with transaction.atomic():
        reading = Pass(fileobj, name, importer, reference)
        for batch in reading.batches():
            to_save = []
            for _line, result in batch:
                outcome.rows += 1
                if not isinstance(result, Candidate):
                    outcome.rows_with_errors += 1
                elif result.duplicate_of and duplicates == Duplicates.SKIP:
                    outcome.duplicates += 1
                    outcome.skipped += 1
                else:
                    outcome.duplicates += bool(result.duplicate_of)
                    to_save.append(result)
            if outcome.rows_with_errors:
                # Keep reading to count them all; nothing more is written, and the transaction is undone below.
                continue
            outcome.imported += save_batch(to_save, importer.user, organisation_names)
            if on_progress:
                on_progress(outcome.rows, None)
        if outcome.rows_with_errors:
            outcome.imported = 0
            transaction.set_rollback(True)
    outcome.seconds = time.perf_counter() - started
    if outcome.rows_with_errors:
        raise RowsRefused(outcome)
    return outcome
