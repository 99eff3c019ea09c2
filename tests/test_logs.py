"""One log line per inbound event and per delivery, with ids, latency and outcome, and
never the text a person wrote or reads; the same lines as JSON for a collector."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logs import TextFormatter, configure
from bot.logs_json import FlatJsonFormatter
from tests import leaks
from tests.conftest import Clock, Console

SECRET = "Zéphyrin-confidentiel"


def _records(caplog: pytest.LogCaptureFixture, message: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() == message]


async def test_one_line_per_event_and_per_delivery_without_text(
        console: Console, clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    clock.set("2026-11-26 10:00")
    caplog.set_level(logging.INFO)
    await console.run(
        f"nadia: /grappe demande Mairie de {SECRET} : de la com et de la compta pour le "
        "15 janvier",
        "camille: /grappe commande-inconnue",
        "inconnu: /grappe aide",
    )
    inbound = [r.fields for r in _records(caplog, "inbound")]  # type: ignore[attr-defined]
    assert [(f["actor"], f["outcome"]) for f in inbound] == [
        ("nadia", "ok"), ("camille", "refused"), ("inconnu", "unknown-person")]
    assert inbound[0]["command"] == "demande"
    assert inbound[0]["queued"] >= 1
    assert all(f["platform"] == "console" and f["event"] and f["ms"] >= 0 for f in inbound)
    deliveries = [r.fields for r in _records(caplog, "delivery")]  # type: ignore[attr-defined]
    assert len(deliveries) >= inbound[0]["queued"] + 1  # the request's rows and the refusal
    assert {f["outcome"] for f in deliveries} == {"sent"}
    assert all(f["row"] and f["message"] and f["queued_ms"] >= 0 for f in deliveries)
    text = TextFormatter()
    for record in caplog.records:  # at INFO nothing a person wrote or reads
        if record.levelno <= logging.INFO:
            assert SECRET not in text.format(record)


def test_the_text_format_appends_fields_and_json_flattens_them() -> None:
    record = logging.LogRecord("commands.dispatcher", logging.INFO, __file__, 1, "inbound",
                               None, None)
    record.fields = {"platform": "slack", "event": "Ev1", "outcome": "ok", "ms": 3.5,
                     "command": None, "error": 'a "b" c'}
    line = TextFormatter("%(message)s").format(record)
    assert line == 'inbound platform=slack event=Ev1 outcome=ok ms=3.5 error="a \\"b\\" c"'
    data = json.loads(FlatJsonFormatter("%(levelname)s %(name)s %(message)s").format(record))
    assert data["message"] == "inbound"
    assert data["platform"] == "slack"
    assert data["ms"] == 3.5
    assert "fields" not in data
    assert "command" not in data


def test_configure_installs_one_handler_in_the_chosen_format(
        monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure("info", "json")
        configure("info", "json")
        assert len(root.handlers) == 1
        logging.getLogger("grappe.test").info("delivery", extra={"fields": {"row": 7}})
        data = json.loads(stream.getvalue().splitlines()[-1])
        assert data["level"] == "INFO"
        assert data["logger"] == "grappe.test"
        assert data["row"] == 7
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])


def test_the_suite_catches_a_log_record_that_holds_what_a_person_wrote() -> None:
    """tests/leaks.py: the check that runs over the whole suite's logs can fail."""
    leaks.sent("Mairie de Quelquepart : des grandes affichettes")
    before = len(leaks.CATCHER.leaks)
    logging.getLogger("somelibrary").debug("body: Mairie de Quelquepart")  # below INFO
    logging.getLogger("somelibrary").info("nothing of theirs")
    assert len(leaks.CATCHER.leaks) == before
    logging.getLogger("somelibrary").info("affichettes unavailable")  # one word: not theirs
    assert len(leaks.CATCHER.leaks) == before
    logging.getLogger("somelibrary").info("refused body: text=grandes affichettes")
    logging.getLogger("somelibrary").warning("Mairie de Quelquepart : des grandes affichettes")
    caught = leaks.CATCHER.leaks[before:]
    del leaks.CATCHER.leaks[before:]  # caught on purpose: not a leak of the suite
    assert len(caught) == 2
    assert "'grandes affichettes'" in caught[0]
    assert "Mairie de Quelquepart : des grandes affichettes" in caught[1]
