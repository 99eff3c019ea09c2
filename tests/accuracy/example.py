"""The example directory (examples/cooperative.toml) as the models the parsers read, and the
fixed now of the data tables: Thursday 26 November 2026, 10:00 in Europe/Paris."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from commands.directory import file as directory_file
from commands.directory.importing import resource_values
from commands.lookup import index_of
from storage.models import Enterprise, Resource, Skill

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
TZ = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def rows(path: Path) -> list[list[str]]:
    """A table's rows: tab-separated cells, '#' lines and blank lines left out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


@cache
def _file() -> directory_file.DirectoryFile:
    return directory_file.load(ROOT / "examples" / "cooperative.toml")


@cache
def skill_index() -> dict[str, Skill]:
    skills = [Skill(id=i, slug=s.slug, label=s.label) for i, s in enumerate(_file().skills, 1)]
    synonyms = {i: s.synonyms for i, s in enumerate(_file().skills, 1)}
    return index_of(skills, synonyms)


@cache
def resources() -> tuple[Resource, ...]:
    return tuple(Resource(id=i, slug=r.slug, **resource_values(r))
                 for i, r in enumerate(_file().resources, 1))


@cache
def enterprises() -> tuple[Enterprise, ...]:
    return tuple(Enterprise(id=i, slug=e.slug, name=e.name)
                 for i, e in enumerate(_file().enterprises, 1))
