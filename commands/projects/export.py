"""``grappe export projects``: the ledger's share rows (``commands.projects.ledger``) as a
table for a spreadsheet, its header in the cooperative's language. Amounts are euros
excluding tax and days are days, as numbers; the dates are days."""

from __future__ import annotations

from collections.abc import Sequence

from commands.directory.file import CLIENT_KINDS
from commands.i18n import N_, Translator
from commands.projects.ledger import ShareRow
from commands.table import Table, Value

SHEET = N_("Projects")
COLUMNS = (N_("Request"), N_("Client"), N_("Client kind"), N_("Lead"), N_("Enterprise"),
           N_("Role"), N_("Share (€ excl. tax)"), N_("Share (%)"), N_("Days planned"),
           N_("Days spent"), N_("Budget (€ excl. tax)"), N_("Invoiced by"), N_("SIRET"),
           N_("Chorus Pro service"), N_("Commitment number"), N_("Won on"),
           N_("Delivered on"))


def kind_label(kind: str, t: Translator) -> str:
    """A client kind as people read it; a client not in the directory says so."""
    return t.t(CLIENT_KINDS[kind]) if kind in CLIENT_KINDS else t.t("not in the directory")


def euros(cents: int | None) -> float | None:
    return None if cents is None else cents / 100


def days(x100: int | None) -> float | None:
    return None if x100 is None else x100 / 100


def role(row: ShareRow, t: Translator) -> str:
    if not row.enterprise:
        return ""
    return t.t("lead") if row.is_lead else t.t("partner")


def project_table(rows: Sequence[ShareRow], t: Translator) -> Table:
    values: list[list[Value]] = [[
        row.ref, row.client, kind_label(row.client_kind, t), row.lead, row.enterprise,
        role(row, t), euros(row.amount_cents), row.percent, days(row.planned_x100),
        days(row.spent_x100), euros(row.budget_cents), row.invoicer, row.ids.siret,
        row.ids.chorus_service, row.ids.commitment, row.won_on, row.delivered_on,
    ] for row in rows]
    return Table(t.t(SHEET), [t.t(c) for c in COLUMNS], values, t.locale)
