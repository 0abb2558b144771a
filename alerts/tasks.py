"""The alerts' task for the worker (`manage.py db_worker`): the same sending as `manage.py send_alerts`."""

from django_tasks import task

from alerts.sending import send_due_alerts


@task()
def send_alerts():
    """Mail every due alert its new measures; the counts, for the task's result."""
    return send_due_alerts().as_dict()
