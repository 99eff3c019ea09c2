"""The directory commands through the console, as a person uses them."""

from __future__ import annotations

import re

from tests.conftest import Console


async def test_members_lists_the_18_enterprises_in_french(console: Console) -> None:
    out = await console.run("camille: /grappe membres")
    assert out.startswith("[DM:camille] - Les 18 entreprises membres de La Grappe")
    assert len(re.findall(r"^  • ", out, re.M)) == 18
    assert "Chiffres & Communs (chiffres-et-communs)" in out


async def test_english_keywords_and_locale(console: Console) -> None:
    out = await console.run("olivia: /grappe members")
    assert "The 18 member enterprises of La Grappe" in out


async def test_member_details_with_people(console: Console) -> None:
    out = await console.run("camille: /grappe membre Sobre-et-Clair")
    assert "Sobre & Clair (sobre-et-clair)" in out
    assert "@olivia" in out
    assert "Compétences" in out


async def test_skills_and_whoami(console: Console) -> None:
    out = await console.run("nadia: /grappe compétences", "nadia: /grappe moi")
    assert "#comptabilite" in out
    assert "compta" in out
    assert "Chiffres & Communs" in out


async def test_language_switch_is_per_person(console: Console) -> None:
    out = await console.run("nadia: /grappe langue en", "nadia: /grappe membres",
                            "camille: /grappe membres")
    assert "From now on I will write to you in English." in out
    assert "The 18 member enterprises" in out
    assert "Les 18 entreprises membres" in out


async def test_help_shows_coordinator_commands_only_to_coordinators(console: Console) -> None:
    member = await console.run("nadia: /grappe aide")
    coordinator = await console.run("camille: /grappe aide")
    assert "/grappe membres" in member
    assert "membre ajouter" not in member
    assert "membre ajouter" in coordinator


async def test_coordinator_edits_the_directory(console: Console) -> None:
    out = await console.run(
        "camille: /grappe membre ajouter atelier-vert L'Atelier Vert #communication #graphisme",
        "camille: /grappe personne ajouter jules atelier-vert Jules Caron",
        "camille: /grappe lier jules slack U0JULES01",
        "jules: /grappe moi",
        "camille: /grappe membre modifier atelier-vert description=Éco-conception graphique",
        "camille: /grappe membre atelier-vert",
        "camille: /grappe membre retirer atelier-vert",
        "camille: /grappe membres",
    )
    assert "L'Atelier Vert (atelier-vert)" in out
    assert "slack U0JULES01" in out
    assert "Éco-conception graphique" in out
    assert out.rstrip().endswith("Détail d’une entreprise : /grappe membre <identifiant>")
    assert "Les 18 entreprises membres" in out  # removed again


async def test_members_cannot_edit_the_directory(console: Console) -> None:
    out = await console.run("nadia: /grappe membre retirer terreau", "nadia: /grappe membres")
    assert "coordination" in out.split("\n")[0].lower() or "coordinat" in out
    assert "Terreau (terreau)" in out
