from django.contrib import admin
from django_tasks_db.models import DBTaskResult

# The task queue's table holds task arguments and tracebacks meant for the logs; what people need of a task is
# on its import job's page. The admin does not list it.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
