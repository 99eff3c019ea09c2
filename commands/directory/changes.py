"""What an import changes, entry by entry: the record it keeps and the two rules every
kind of entry follows (a value written only when different; added, restored or changed)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlmodel import SQLModel


class Kind(StrEnum):
    """The kinds of entries an import changes, in the order they are shown."""

    COOPERATIVE = "cooperative"
    SKILL = "skill"
    ENTERPRISE = "enterprise"
    PERSON = "person"
    RESOURCE = "resource"
    CHANNEL = "channel"
    CLIENT = "client"


class Change(StrEnum):
    """What happened to one entry, in the order they are shown."""

    ADDED = "added"
    CHANGED = "changed"
    RESTORED = "restored"  # retired, listed again
    RETIRED = "retired"


@dataclass
class Changes:
    """What an import changed (or, rolled back, would change): entry names by change and
    kind; ``counts`` is what the file holds."""

    counts: dict[str, int]
    entries: dict[Change, dict[Kind, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    def note(self, change: Change, kind: Kind, name: str) -> None:
        self.entries[change][kind].append(name)

    def of(self, change: Change, kind: Kind) -> list[str]:
        return list(self.entries.get(change, {}).get(kind, []))

    @property
    def none(self) -> bool:
        return not any(names for kinds in self.entries.values() for names in kinds.values())


def set_values(row: SQLModel, values: Mapping[str, Any]) -> bool:
    """Give ``row`` these values; whether one was different (an equal value is not set,
    so an unchanged entry is not written)."""
    different = {k: v for k, v in values.items() if getattr(row, k) != v}
    if different:
        row.sqlmodel_update(different)
    return bool(different)


def outcome(changes: Changes, kind: Kind, name: str, *, new: bool, was_active: bool,
             different: bool) -> None:
    if new:
        changes.note(Change.ADDED, kind, name)
    elif not was_active:
        changes.note(Change.RESTORED, kind, name)
    elif different:
        changes.note(Change.CHANGED, kind, name)
