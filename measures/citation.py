"""A published measure as a reference for reference managers (Zotero, EndNote, BibTeX): RIS and BibTeX, both written
from one `Reference` so the two files never disagree."""

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext

from core.choices import RecordLanguage

#: RIS wants CRLF line ends and a two-space, dash, space separator (RIS format specification).
RIS_LINE_END = "\r\n"

#: Characters (La)TeX reads as commands or groups, each with the text that prints it as itself.
BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
BIBTEX_SPECIAL_PATTERN = re.compile("|".join(re.escape(character) for character in BIBTEX_SPECIAL))

BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Reference:
    key: str
    title: str
    #: The reporting organisation for a measure reported by civil society, otherwise the Party: a corporate author.
    author: str
    published: date
    url: str
    #: An ISO 639-1 code, or "" where the record's language is not one.
    language: str
    site: str

    @property
    def year(self):
        return self.published.year


def one_line(text):
    """Reference fields are single lines: line breaks and runs of spaces become one space."""
    return " ".join(str(text).split())


def reference_for(measure, url):
    """The reference of a published measure at its absolute address `url` (the portal's name in the active
    language)."""
    if measure.published_at is None:
        raise ValueError("Only a published measure can be cited.")
    author = measure.organisation.name if measure.is_reported_by_civil_society else measure.party.name
    return Reference(
        key=f"measure-{measure.pk}",
        title=one_line(measure.title),
        author=one_line(author),
        published=timezone.localtime(measure.published_at).date(),
        url=url,
        language="" if measure.language == RecordLanguage.OTHER else measure.language,
        site=gettext("Convention Monitoring Portal"),
    )


def ris(reference):
    """The reference as an RIS record (a web page: TY ELEC)."""
    fields = [
        ("TY", "ELEC"),
        ("TI", reference.title),
        ("AU", reference.author),
        ("PY", str(reference.year)),
        ("DA", reference.published.strftime("%Y/%m/%d")),
        ("T2", reference.site),
        ("PB", reference.site),
        ("LA", reference.language),
        ("UR", reference.url),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {value}{RIS_LINE_END}" for tag, value in fields if value or tag == "ER")


def bibtex_escape(text):
    """`text` with every character (La)TeX would read as markup escaped; other characters, accented ones
    included, stay as they are (the file is UTF-8)."""
    return BIBTEX_SPECIAL_PATTERN.sub(lambda match: BIBTEX_SPECIAL[match.group()], text)


def bibtex(reference):
    """The reference as a BibTeX @misc entry, which BibTeX and biblatex both read."""
    # Double braces keep a corporate author whole (not split into first and last names) and keep the title's
    # capitals as written.
    fields = [
        ("author", f"{{{{{bibtex_escape(reference.author)}}}}}"),
        ("title", f"{{{{{bibtex_escape(reference.title)}}}}}"),
        ("howpublished", f"{{{bibtex_escape(reference.site)}}}"),
        ("publisher", f"{{{bibtex_escape(reference.site)}}}"),
        ("year", f"{{{reference.year}}}"),
        ("month", BIBTEX_MONTHS[reference.published.month - 1]),
        ("date", f"{{{reference.published.isoformat()}}}"),
        # The url field is read verbatim by the url package: escaping it would break the address.
        ("url", f"{{{reference.url}}}"),
        ("language", f"{{{reference.language}}}" if reference.language else ""),
    ]
    body = ",\n".join(f"  {name} = {value}" for name, value in fields if value)
    return f"@misc{{{reference.key},\n{body}\n}}\n"
