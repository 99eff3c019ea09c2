"""Privacy (GDPR): forget a person, export what the bot holds about them, and retention.

Forgetting keeps every record consistent: answers, bookings, poll votes and
audit rows keep their ``person_id``; only the person's row loses what
identifies them (name, e-mail, handle, platform accounts), so histories show
"former member". A client's contact (a handle of the directory's clients, or one met in
the client's room) is forgotten the same way ("former contact"). Retention anonymises the
client and the need of requests closed more than N months ago (a request written in a
client's room holds the client's words in its need), each request once (a claim decides).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from commands.errors import CommandError
from commands.i18n import N_, translator
from storage.repo import audit as audit_repo
from storage.repo import claims as claims_repo
from storage.repo import directory as dir_repo
from storage.repo import privacy as repo

FORMER_MEMBER = N_("former member")
FORMER_CONTACT = N_("former contact")
ANONYMISED_CLIENT = N_("anonymised client")
ANONYMISED_NEED = N_("need anonymised after the retention period")
RETENTION_KIND = "retention"


async def forget(s: AsyncSession, handle: str) -> tuple[str, int]:
    """Forget the person ``handle``; their new pseudonym and how many identities went."""
    person = await dir_repo.person_by_handle(s, handle.strip().lstrip("@"))
    if person is None or person.handle.startswith("ancien-") and not person.active:
        contact = await repo.contact_by_handle(s, handle.strip().lstrip("@"))
        if contact is None or not contact.active:
            raise CommandError("Nobody has the handle “{handle}” in the directory.",
                               handle=handle)
        coop = await dir_repo.cooperative(s)  # a client's contact (met in their room)
        removed = await repo.forget_contact(s, contact, translator(coop.locale).t(FORMER_CONTACT))
        await audit_repo.add_audit(s, None, "privacy:forget", contact.handle, "")
        return contact.handle or "", removed
    coop = await dir_repo.cooperative(s)
    name = translator(coop.locale).t(FORMER_MEMBER)
    removed = await repo.forget_person(s, person, name)
    await audit_repo.add_audit(s, None, "privacy:forget", person.handle, "")
    return person.handle, removed


async def export(s: AsyncSession, handle: str) -> dict[str, Any]:
    """Everything held about ``handle``: their directory entry and every row naming them."""
    person = await dir_repo.person_by_handle(s, handle.strip().lstrip("@"))
    if person is None:
        contact = await repo.contact_by_handle(s, handle.strip().lstrip("@"))
        if contact is None:
            raise CommandError("Nobody has the handle “{handle}” in the directory.",
                               handle=handle)
        return await repo.held_about_contact(s, contact)
    enterprise = (await dir_repo.enterprise_by_id(s, person.enterprise_id)
                  if person.enterprise_id else None)
    entry = repo.row_of(person)
    entry["enterprise"] = enterprise.slug if enterprise else None
    return {"person": entry, **await repo.held_about(s, person)}


def retention_cutoff(now: datetime, months: int) -> datetime:
    """``months`` months before ``now`` (30 days a month: a retention period, not a date)."""
    return now - timedelta(days=30 * months)


async def apply_retention(s: AsyncSession, now: datetime, months: int,
                          owner: str = "") -> list[str]:
    """Anonymise every request closed before the cutoff; the refs done by this call.

    Each request is claimed ``(retention, R-n, retention)`` in the same
    transaction as its change: two replicas never both do it, and a request done
    once is never done again.
    """
    coop = await dir_repo.cooperative(s)
    t = translator(coop.locale)
    client, need = t.t(ANONYMISED_CLIENT), t.t(ANONYMISED_NEED)
    done: list[str] = []
    for request in await repo.closed_before(s, retention_cutoff(now, months), client):
        assert request.id is not None
        if not await claims_repo.claim(s, RETENTION_KIND, request.ref, RETENTION_KIND, owner):
            continue
        await repo.anonymise_request(s, request.id, client, need)
        done.append(request.ref)
    return done
