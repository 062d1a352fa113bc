#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    # Django swallows a settings module that refuses to load and fails later with "Models aren't loaded yet";
    # ours refuses on purpose (no DJANGO_SECRET_KEY with DEBUG off): say why, and how to run it here.
    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading a setting imports config.settings, here
    except ImproperlyConfigured as error:
        sys.exit(f"{error}")
    execute_from_command_line(sys.argv)


if __name__ == '__main__':
    main()
