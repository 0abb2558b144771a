"""The three workflow groups, each with exactly the permissions its role needs (README: Review workflow and roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CRUD = ("add", "change", "delete", "view")


def model_permissions(app_label, model, actions=CRUD):
    return [f"{app_label}.{action}_{model}" for action in actions]


REFERENCE_DATA = (
    "party",
    "organisation",
    "organisationmembership",
    "goal",
    "areaofmonitoring",
    "culturaldomain",
    "reportingcycle",
    "periodicreport",
)

EDITOR_PERMISSIONS = [
    *model_permissions("measures", "measure"),
    *model_permissions("measures", "partner"),
    "measures.view_party",
    "measures.view_organisation",
]

GROUPS = {
    "Secretariat reviewers": [
        *model_permissions("measures", "measure"),
        "measures.review_measure",
        *model_permissions("measures", "partner"),
        *(permission for model in REFERENCE_DATA for permission in model_permissions("measures", model)),
        *model_permissions("accounts", "membership"),
        "accounts.view_user",
    ],
    "Civil-society editors": EDITOR_PERMISSIONS,
    "Party focal points": [
        *EDITOR_PERMISSIONS,
        *model_permissions("measures", "periodicreport", ("add", "change", "view")),
    ],
}


def create_groups(apps, schema_editor):
    db = schema_editor.connection.alias
    # Permissions are normally created after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0, using=db)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, labels in GROUPS.items():
        group, _ = Group.objects.using(db).get_or_create(name=name)
        permissions = []
        for label in labels:
            app_label, codename = label.split(".")
            permissions.append(
                Permission.objects.using(db).get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_membership"),
        ("measures", "0003_workflow_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
