"""Text as people compare it."""

import unicodedata


def folded(text):
    """`text` lower-cased and without accents ("Égypte" → "egypte"): the key people expect names to be sorted and
    matched by, whatever the database's collation."""
    if text and text.isascii():
        return text.lower()  # nothing to strip, and casefold() equals lower() on ASCII
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
