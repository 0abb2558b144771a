"""Who takes part: the Parties, their periodic reports' status and the organisations, as public pages
(`views.py`) and the FilterSets those pages and the API share (`filters.py`). The queries themselves are on the
models (`Party.objects.with_measure_counts()`, `ReportingCycle.parties_with_status()`, …)."""
