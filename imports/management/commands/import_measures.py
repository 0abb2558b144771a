"""`manage.py import_measures FILE`: the secretariat's full loads, through the same check and save as the back
office's import (imports/engine.py): every row checked first, then all rows saved as drafts, or none."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from accounts.roles import REVIEW_PERMISSION, REVIEWERS
from imports import engine
from imports.columns_doc import markdown_table
from imports.rows import Importer

#: Repeated rows written out one by one before the rest are only counted.
REPEATED_SHOWN = 20


def counted(count, noun):
    """“1 row”, “5,000 rows”."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


class Progress:
    """One line on a terminal, rewritten as rows go by, with the rate; nothing when the output is not a terminal."""

    def __init__(self, stream, label):
        self.stream, self.label = stream, label
        self.started = time.perf_counter()
        self.shown = False
        self.enabled = stream.isatty()

    def __call__(self, rows, fraction=None):
        if not self.enabled:
            return
        rate = rows / max(time.perf_counter() - self.started, 1e-9)
        share = f" ({fraction:.0%} of the file)" if fraction is not None else ""
        self.stream.write(f"\r{self.label}: {rows:,} rows{share}, {rate:,.0f} rows/s ", ending="")
        self.stream.flush()
        self.shown = True

    def clear(self):
        if self.shown:
            self.stream.write("\r\033[K", ending="")
            self.shown = False


class Command(BaseCommand):
    help = (
        "Import measures from a CSV or XLSX file as new drafts. The whole file is checked first; a file with any "
        "wrong row imports nothing, and its problems are written to stderr (exit status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a CSV (UTF-8; comma, semicolon or tab) or XLSX file of measures")
        parser.add_argument(
            "--columns", action="store_true", help="print the table of the columns a file may have (Markdown) and stop"
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file only; save nothing")
        parser.add_argument(
            "--as",
            dest="username",
            help="the user the drafts are created by, whose reach applies (default: the first secretariat user)",
        )
        parser.add_argument(
            "--duplicates",
            choices=engine.Duplicates.values,
            default=engine.Duplicates.SKIP,
            help="rows repeating another row or a recorded measure (same reporter, title and year): "
            "skip them (default) or import them too",
        )

    def handle(self, *args, file, dry_run, username, duplicates, columns, **options):
        if columns:
            self.stdout.write(markdown_table(), ending="")
            return
        if not file:
            raise CommandError("Give the file to import (or --columns for the table of columns).")
        importer = Importer(self.user(username))
        if not importer.may_import:
            raise CommandError(
                f"{importer.user.username} may not import measures (no role and no organisation or Party)."
            )
        stderr = self.stderr
        try:
            fileobj = open(file, "rb")  # noqa: SIM115 - closed below, after both passes
        except OSError as error:
            raise CommandError(f"Cannot open {file}: {error.strerror}.") from None
        with fileobj:
            outcome = self.check_file(fileobj, file, importer, stderr)
            if not outcome.valid:
                verb = "has" if outcome.rows_with_errors == 1 else "have"
                raise CommandError(
                    f"{counted(outcome.rows_with_errors, 'row')} of {outcome.rows:,} {verb} errors "
                    f"({counted(outcome.problems, 'problem')}, listed above): nothing was imported."
                )
            if dry_run:
                self.stdout.write(
                    f"Checked {counted(outcome.rows, 'row')} in {outcome.seconds:.1f} s "
                    f"({outcome.rows_per_second:,.0f} rows/s): "
                    f"no errors, {counted(outcome.duplicates, 'repeated row')}. Nothing saved (--dry-run)."
                )
                return
            fileobj.seek(0)
            progress = Progress(stderr, "Importing")
            try:
                saved = engine.save(fileobj, file, importer, duplicates=duplicates, on_progress=progress)
            except (engine.FileRefused, engine.RowsRefused) as refused:
                progress.clear()
                raise CommandError(f"{refused} Nothing was imported.") from None
            progress.clear()
        total = outcome.seconds + saved.seconds
        self.stdout.write(
            f"Read {counted(saved.rows, 'row')}; imported {saved.imported:,} as drafts of {importer.user.username}, "
            f"skipped {counted(saved.skipped, 'repeated row')}. Check {outcome.seconds:.1f} s "
            f"({outcome.rows_per_second:,.0f} rows/s), import {saved.seconds:.1f} s "
            f"({saved.rows_per_second:,.0f} rows/s), {total:.1f} s in all."
        )

    def check_file(self, fileobj, name, importer, stderr):
        progress = Progress(stderr, "Checking")

        repeated = 0

        def report(problem):
            nonlocal repeated
            if problem.warning:
                # Every error is listed (it is the report); repeated rows, which only ask for a choice, are shown
                # up to a point and then counted.
                repeated += 1
                if repeated > REPEATED_SHOWN:
                    return
            progress.clear()
            where = f"line {problem.line:,}" if problem.line else "file"
            kind = "repeated" if problem.warning else "error"
            stderr.write(f"{kind}: {where}, {problem.column or '-'}: {problem.message}")

        try:
            outcome = engine.check(fileobj, name, importer, on_problem=report, on_progress=progress)
        except engine.FileRefused as refused:
            progress.clear()
            where = f"line {refused.line:,}: " if refused.line else ""
            raise CommandError(f"{where}{refused} Nothing was imported.") from None
        progress.clear()
        if repeated > REPEATED_SHOWN:
            stderr.write(f"… and {counted(repeated - REPEATED_SHOWN, 'more repeated row')} (see --duplicates).")
        return outcome

    def user(self, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"No active user is called {username!r}.")
            return user
        app_label, codename = REVIEW_PERMISSION.split(".")
        reviewers = users.filter(
            Q(groups__name=REVIEWERS)
            | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
            | Q(is_superuser=True)
        )
        user = reviewers.order_by("is_superuser", "pk").distinct().first()
        if user is None:
            raise CommandError("There is no secretariat user to create the drafts: give one with --as USERNAME.")
        return user
