"""Bad input of every kind: a clear reply in the person's language, nothing partial written."""

from __future__ import annotations

import pytest

from tests.conftest import Console
from tests.snapshots import ALL_TABLES, snapshot

BAD = [
    ("camille: /grappe chocolat", "Commande « chocolat » inconnue"),
    ("camille: /grappe membrs", "Vouliez-vous dire « membres »"),
    ("camille: /grappe membre", "Utilisation : /grappe membre <identifiant>"),
    ("camille: /grappe membre inconnue-sa", "Aucune entreprise membre n’a l’identifiant « inconnue-sa »"),
    ("camille: /grappe membre terreaux", "Vouliez-vous dire « terreau »"),
    ("camille: /grappe membre " + "x" * 10_000, "trop long"),
    ("camille: /grappe membres\x00\x1b[31m\x07", "Les 18 entreprises membres"),
    ("camille: /grappe <!channel>", "Commande « <!channel> » inconnue"),
    ("camille: /grappe @room", "Commande « @room » inconnue"),
    ("camille: /grappe <b>gras</b><script>x</script>", "Commande « <b>gras</b><script>x</script> » inconnue"),
    ("camille: /grappe langue klingon", "Choisissez fr ou en"),
    ("camille: /grappe lier nobody slack U1", "Personne n’a l’identifiant « nobody »"),
    ("camille: /grappe lier nadia irc nadia", "Plateforme « irc » inconnue"),
    ("camille: /grappe lier nadia slack U07GRPE011", "déjà lié"),
    ("camille: /grappe membre ajouter terreau Doublon", "déjà pris"),
    ("camille: /grappe membre ajouter Pas_Un_Slug! Nom", "identifiant valide"),
    ("camille: /grappe membre ajouter neuf Nom #inexistante", "Compétence « inexistante » inconnue"),
    ("camille: /grappe membre modifier terreau couleur=rouge", "Champ « couleur » inconnu"),
    ("camille: /grappe personne ajouter nadia terreau Nadia Bis", "déjà pris"),
    ("olivia: /grappe membre", "Usage: /grappe member <slug>"),
    ("olivia: /grappe chocolate", "Unknown command “chocolate”"),
]


@pytest.mark.parametrize(("line", "expected"), BAD, ids=[b[0][:40] for b in BAD])
async def test_bad_input_gets_a_clear_localized_reply(
    console: Console, line: str, expected: str
) -> None:
    before = await snapshot(console.bot.db)
    out = await console.run(line)
    assert expected in out
    assert "Traceback" not in out
    assert "Error" not in out
    if "Les 18 entreprises" not in expected:
        assert await snapshot(console.bot.db) == before  # nothing partial written
    assert out.startswith("[DM:")


async def test_unknown_person_is_told_how_to_get_linked_and_nothing_is_written(
    console: Console,
) -> None:
    before = await snapshot(console.bot.db, ALL_TABLES)
    out = await console.run("zorro: /grappe membres", "zorro in R-1: intéressé",
                            "zorro clicks R-1 interested")
    assert out.count("Vous n’êtes pas encore dans l’annuaire de La Grappe") == 3
    assert "/grappe lier <votre-identifiant> console zorro" in out
    assert await snapshot(console.bot.db, ALL_TABLES) == before


async def test_no_traceback_reaches_a_person_when_a_handler_crashes(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    from commands.directory import handlers as directory

    async def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(directory.dir_repo, "skills", broken)
    before = await snapshot(console.bot.db)
    out = await console.run("camille: /grappe competences")
    assert "un incident s’est produit" in out
    assert "boom" not in out
    assert "Traceback" not in out
    assert await snapshot(console.bot.db) == before


async def test_thread_reply_on_an_unknown_object_is_refused_politely(console: Console) -> None:
    out = await console.run("nadia in R-99: intéressé", "nadia clicks Z-1 go")
    assert "Rien ne peut être répondu sur R-99" in out or "R-99" in out
    assert "Traceback" not in out
