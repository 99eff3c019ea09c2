"""``grappe directory import`` and ``show``: the directory file in, the directory out.

An import reads the file (``commands.directory.file.load``, pure), resolves its Matrix
room aliases (``bot.matrix.aliases``, the network), then applies it in one transaction
(``commands.directory.importing.apply``). ``--check`` runs the same import and rolls it
back: what it prints is what the import would do, and the database is left as it was.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.matrix.aliases import UnresolvedAliases, resolve_aliases
from commands.directory.file import DirectoryFile, DirectoryFileError, load
from commands.directory.importing import Change, Changes, Kind, apply
from commands.i18n import N_, Translator
from commands.text import collation_key
from storage import migrate
from storage.db import Database
from storage.repo import directory as dir_repo

CHANGE_TITLES = {
    Change.ADDED: N_("Added:"),
    Change.CHANGED: N_("Changed:"),
    Change.RESTORED: N_("Back in the directory:"),
    Change.RETIRED: N_("Retired (their history is kept):"),
}
KIND_NAMES = {
    Kind.COOPERATIVE: N_("cooperative"),
    Kind.SKILL: N_("skills"),
    Kind.ENTERPRISE: N_("enterprises"),
    Kind.PERSON: N_("people"),
    Kind.RESOURCE: N_("resources"),
    Kind.CHANNEL: N_("channels"),
    Kind.CLIENT: N_("clients"),
}


class ImportRefused(Exception):
    """The import did not happen; ``lines`` say why, in the person's language."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


class _CheckOnly(Exception):
    """Leaves the import's transaction, which then rolls back."""

    def __init__(self, changes: Changes):
        super().__init__()
        self.changes = changes


@dataclass
class Imported:
    changes: Changes | None  # None: --if-empty found a directory
    checked: bool
    path: Path
    differs: Changes | None = None  # --if-empty found a directory: what the file would change


async def read_file(settings: Settings, path: Path, t: Translator) -> DirectoryFile:
    """The file, valid and with room ids for its aliases, or ``ImportRefused``."""
    header = t.t("The directory file has errors; nothing was imported:")
    try:
        data = load(path)
        return await resolve_aliases(data, settings.matrix_homeserver,
                                     settings.matrix_access_token)
    except DirectoryFileError as exc:
        raise ImportRefused([header, *(f"  - {p.text(t)}" for p in exc.problems)]) from None
    except UnresolvedAliases as exc:
        raise ImportRefused([header, *(f"  - {t.t(p.message, **p.params())}"
                                       for p in exc.problems)]) from None


async def import_directory(db: Database, data: DirectoryFile, *, if_empty: bool = False,
                           check: bool = False) -> Changes | None:
    """Import ``data`` in one transaction; with ``check``, roll it back. The changes
    (None when ``if_empty`` found a directory)."""
    try:
        async with db.session() as s:
            if if_empty and await dir_repo.count_enterprises(s) > 0:
                return None
            changes = await apply(s, data)
            if check:
                raise _CheckOnly(changes)
            return changes
    except _CheckOnly as rolled_back:
        return rolled_back.changes


async def run_import(settings: Settings, path: Path, t: Translator, *, if_empty: bool,
                     check: bool) -> Imported:
    data = await read_file(settings, path, t)
    db = Database(settings.database_url)
    try:
        if check and not await migrate.up_to_date(db):
            raise ImportRefused([t.t("The database is not up to date, so the file cannot be "
                                     "checked against it: run grappe db upgrade first.")])
        if not check:
            await migrate.upgrade(db)
        changes = await import_directory(db, data, if_empty=if_empty, check=check)
        # a directory already there (`make run` after the file was edited): does it match?
        differs = await import_directory(db, data, check=True) if changes is None else None
    finally:
        await db.dispose()
    return Imported(changes, check, path, differs)


def report(result: Imported, t: Translator, *, quiet: bool = False) -> list[str]:
    """What a person reads after an import or a check; ``quiet``: only what needs them
    (a directory that differs from the file)."""
    changes = result.changes
    if changes is None:
        lines = [] if quiet else [t.t("The directory is not empty; nothing was imported.")]
        if result.differs is not None and not result.differs.none:
            lines += [t.t("The directory in the database differs from {path}; to import the "
                          "file, type: {command}", path=result.path, command=_reimport(result)),
                      *describe(result.differs, t)]
        return lines
    if quiet and not result.checked:
        return []
    if result.checked:
        lines = [t.t("Check only: nothing was changed.")]
        lines.append(t.t("The directory already matches this file.") if changes.none
                     else t.t("Importing this file would make these changes:"))
    else:
        lines = [t.t("Imported: {counts}.", counts=", ".join(counted(changes.counts, t)))]
        if changes.none:
            lines.append(t.t("The directory already matched this file."))
    return lines + describe(changes, t)


def _reimport(result: Imported) -> str:
    """The command that imports the file, as the person invokes grappe (``make run``
    runs ``.venv/bin/grappe``)."""
    program = sys.argv[0] if Path(sys.argv[0]).name == "grappe" else "grappe"
    return f"{program} directory import {result.path}"


def counted(counts: dict[str, int], t: Translator) -> list[str]:
    """What the file holds (``importing.counts``), each count with its plural."""
    return [t.tn("{n} enterprise", "{n} enterprises", counts["enterprises"]),
            t.tn("{n} person", "{n} people", counts["people"]),
            t.tn("{n} skill", "{n} skills", counts["skills"]),
            t.tn("{n} resource", "{n} resources", counts["resources"]),
            t.tn("{n} channel", "{n} channels", counts["channels"]),
            *([t.tn("{n} client", "{n} clients", counts["clients"])]
              if counts["clients"] else [])]


def describe(changes: Changes, t: Translator) -> list[str]:
    lines: list[str] = []
    for change in Change:
        kinds = [(kind, changes.of(change, kind)) for kind in Kind if changes.of(change, kind)]
        if kinds:
            lines.append(t.t(CHANGE_TITLES[change]))
        for kind, names in kinds:
            lines.append("  " + t.t("{kind} ({n}): {names}", kind=t.t(KIND_NAMES[kind]),
                                    n=len(names), names=", ".join(names)))
    return lines


ROLES = {"coordinator": N_("coordinator"), "member": N_("member")}


async def show_directory(settings: Settings, out: TextIO, t: Translator) -> None:
    db = Database(settings.database_url)
    try:
        async with db.session(read_only=True) as s:
            coop = await dir_repo.cooperative(s)
            out.write(f"{coop.name} ({coop.timezone}, {coop.locale})\n")
            skills = await dir_repo.skills_by_enterprise(s)
            for e in sorted(await dir_repo.enterprises(s), key=lambda e: collation_key(e.name)):
                labels = ", ".join(k.slug for k in skills.get(e.id or 0, []))
                out.write(f"\n{e.name} [{e.slug}] {labels}\n")
                for p in await dir_repo.people(s, enterprise_id=e.id):
                    role = t.t(ROLES.get(p.role, p.role))
                    out.write(f"  {p.handle:<12} {p.display_name} ({role}, {p.locale})\n")
            out.write("\n")
            for r in await dir_repo.resources(s):
                out.write(f"{r.kind:<10} {r.slug:<24} {r.name}\n")
            for c in await dir_repo.channels(s):
                out.write(f"{c.platform:<8} {c.platform_channel_id:<30} {c.purpose}\n")
    finally:
        await db.dispose()
