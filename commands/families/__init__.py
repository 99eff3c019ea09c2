"""Command families: importing this package registers every command."""

from commands.families import admin, directory, help  # noqa: F401
