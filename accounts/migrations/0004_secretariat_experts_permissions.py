"""The secretariat also edits the experts app: bodies, experts, meetings and outcomes (only the secretariat)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARIAT = "Secretariat reviewers"
EXPERTS_MODELS = (
    "body",
    "expert",
    "membership",
    "meeting",
    "meetingorganiser",
    "meetingtopic",
    "meetingdocument",
    "outcome",
)
ACTIONS = ("add", "change", "delete", "view")


def experts_permissions(apps, db):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.using(db).filter(
        content_type__app_label="experts",
        codename__in=[f"{action}_{model}" for model in EXPERTS_MODELS for action in ACTIONS],
    )


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    # Permissions are normally created after all migrations; the group needs them now.
    experts_config = apps.get_app_config("experts")
    models_module = getattr(experts_config, "models_module", None)
    experts_config.models_module = models_module or True
    create_permissions(experts_config, apps=apps, verbosity=0, using=db)
    experts_config.models_module = models_module
    group, _ = apps.get_model("auth", "Group").objects.using(db).get_or_create(name=SECRETARIAT)
    group.permissions.add(*experts_permissions(apps, db))


def revoke(apps, schema_editor):
    db = schema_editor.connection.alias
    group = apps.get_model("auth", "Group").objects.using(db).filter(name=SECRETARIAT).first()
    if group is not None:
        group.permissions.remove(*experts_permissions(apps, db))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_role_groups"),
        ("experts", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
