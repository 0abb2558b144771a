from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from core import admin_numbers

        admin_numbers.install()  # the back office's integers (years) are not grouped: core/admin_numbers.py
