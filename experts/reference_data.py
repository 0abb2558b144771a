"""The experts app's real reference data (governing bodies, expert groups, meetings, outcomes)."""


def load():
    """Load everything; return a one-line summary."""
    return "no records yet"
