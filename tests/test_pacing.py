"""Which outbox rows go one after the other (``bot.pacing.threads``): pure, no delivery."""

from __future__ import annotations

from bot import pacing
from storage.models import DeliveryRole, Outbox

CLIENT, COOP = "!mairie", "!cooperation"


def _row(n: int, role: DeliveryRole, channel: str | None = None, ref: str | None = None,
         recipient: str | None = None) -> Outbox:
    return Outbox(id=n, platform="matrix", role=role.value, channel=channel, object_ref=ref,
                  recipient=recipient, payload="{}")


def test_the_posts_at_the_top_of_a_room_go_in_the_order_they_were_queued() -> None:
    # what closing a client's request queues: the status, then the satisfaction question
    # in the client's room, the team's note in the card's thread, a reaction, two DMs
    rows = [_row(1, DeliveryRole.POST, CLIENT), _row(2, DeliveryRole.POST, COOP, "R-1"),
            _row(3, DeliveryRole.POST, CLIENT), _row(4, DeliveryRole.REACT, CLIENT, "R-1"),
            _row(5, DeliveryRole.DM, recipient="@nadia"), _row(6, DeliveryRole.POST, COOP),
            _row(7, DeliveryRole.DM, recipient="@nadia")]
    groups = [[row.id for row in group] for group in pacing.threads(rows)]
    assert groups == [[1, 3], [2], [4], [5, 7], [6]]
