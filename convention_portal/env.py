"""Read settings from environment variables, refusing values that make no sense.

A bad value stops start-up with an ImproperlyConfigured error that names the variable,
so a typo in a deployment never turns into a silent default.
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off"}

# Placeholder values people copy from examples; never acceptable in production.
KNOWN_WEAK_SECRETS = {"", "changeme", "change-me", "secret", "insecure", "django-insecure"}
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARS = 5


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of "
        f"{', '.join(sorted(TRUE_VALUES))} or {', '.join(sorted(FALSE_VALUES))}."
    )


def env_int(name, default, *, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} is too small: use at least {minimum}.")
    return value


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def check_secret_key(key, *, name="DJANGO_SECRET_KEY"):
    """Return the key if it is strong enough for production, else raise."""
    if not key:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_DEBUG is off.")
    weak = (
        key.lower() in KNOWN_WEAK_SECRETS
        or key.startswith("django-insecure")
        or len(key) < MIN_SECRET_KEY_LENGTH
        or len(set(key)) < MIN_SECRET_KEY_UNIQUE_CHARS
    )
    if weak:
        raise ImproperlyConfigured(
            f"{name} is too weak: use at least {MIN_SECRET_KEY_LENGTH} random characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    return key
