"""The measures app's work for the task worker (`manage.py db_worker`)."""

from django_tasks import task

from measures.models import Party, ReportingCycle


@task()
def remake_report_pdfs(party_id, year):
    """Make a report's stored PDFs again where what they show changed (measures/directory/report_documents.py)."""
    from measures.directory.report_documents import remake

    party = Party.objects.filter(pk=party_id).first()
    cycle = ReportingCycle.objects.filter(year=year).first()
    if party is None or cycle is None:
        return 0
    return remake(party, cycle)
