"""Must hold (#20): the client's room, through the console, from a contact's need to their
rating. The room's whole output is asserted line by line: the acknowledgement, the status
updates, the public reply, the letter, the satisfaction question, and nothing else."""

from __future__ import annotations

import re
from datetime import timedelta

from commands.requests.export import export_rows
from tests.clients.rooms import ROOM, add_client
from tests.conftest import Clock, Console

NEED = ("agathe in #mairie-roubaix: Bonjour, la mairie souhaite ouvrir une ressourcerie. Il "
        "nous faudrait de la communication et de la comptabilité, pour le 15 janvier.")
ENTERPRISES = ["Chiffres & Communs", "Le Grand Livre", "Sobre & Clair", "Cap Commun",
               "Encre Verte"]


def room_lines(out: str, room: str = ROOM) -> list[str]:
    """The lines printed in ``room``: each message's head line and its continuation lines."""
    lines, inside = [], False
    for line in out.splitlines():
        if line.startswith("["):
            inside = line.startswith(f"[{room}]")
        if inside:
            lines.append(line)
    return lines


async def test_a_client_room_from_the_need_to_the_rating(console: Console, clock: Clock) -> None:
    await add_client(console.bot.db)
    clock.set("2026-12-04 17:30")  # a Friday, half an hour before closing
    whole = out = await console.run(NEED)
    assert re.search(r"^\[#cooperation\] R-1 R-1 · Mairie de Roubaix$", out, re.M)
    assert "Écrite par le client dans son salon · ven. 4 déc., 17 h 30" in out
    assert "Agathe Martin (Mairie de Roubaix) a écrit cette demande dans #mairie-roubaix" in out

    clock.set("2026-12-07 10:00")
    whole += await console.run(
        "nadia in R-1: Intéressés ! On peut piloter, dispo jeudi et vendredi matin",
        "marion in R-1: Partants, une demi-journée par semaine",
        "anais clicks R-1 interested",
        "hugo in R-1: pas dispo avant février, désolés",
        "camille: /grappe attribuer R-1 pilote=chiffres-et-communs partenaires=le-grand-livre "
        ": expérience des ressourceries",
        "nadia: /grappe repondre R-1 : Bonjour Madame Martin, l’équipe vous propose un premier "
        "rendez-vous jeudi à 10 h.",
        "camille: /grappe synthese R-1",
        "camille: /grappe synthese R-1 envoyer")
    clock.set("2026-12-18 16:00")
    whole += await console.run("camille: /grappe clore R-1 gagne : convention signée",
                               "agathe in #mairie-roubaix: 5")
    assert room_lines(whole) == [
        "[#mairie-roubaix] - Bonjour Agathe Martin, merci pour votre message. Votre demande "
        "est enregistrée sous la référence R-1 ; La Grappe vous répondra au plus tard le lundi "
        "7 décembre à 16 h 30.",
        "[#mairie-roubaix] - R-1 : l’équipe qui travaillera sur votre demande est constituée. "
        "Sa proposition vous parviendra très prochainement.",
        "[#mairie-roubaix] - R-1 · Bonjour Madame Martin, l’équipe vous propose un premier "
        "rendez-vous jeudi à 10 h.",
        "  — Nadia Benali, pour La Grappe",
        "[#mairie-roubaix] - R-1 : voici notre proposition.",
        "  Objet : proposition de La Grappe — Bonjour, la mairie souhaite ouvrir une "
        "ressourcerie. Il nous faudrait de la communication et de la comptabilité, pour le 15 "
        "janvier.",
        "  Madame, Monsieur,",
        "  En réponse à votre demande, La Grappe, qui regroupe des entreprises de l’économie "
        "sociale et solidaire de votre territoire, vous propose une équipe de 2 structures "
        "complémentaires, coordonnées pour vous offrir un interlocuteur unique :",
        "  • Chiffres & Communs (pilote) — Expertise comptable et accompagnement financier des "
        "associations et entrepreneurs sociaux. Disponibilité : jeu. 10 déc., ven. 11 déc. "
        "matin.",
        "  • Le Grand Livre (partenaire) — Cabinet de gestion associative spécialisé dans la "
        "tenue des comptes, la paie et le suivi des subventions publiques. Volume "
        "d’intervention : 1 demi-journée par semaine.",
        "  Nous nous tenons à votre disposition pour vous présenter cette proposition plus en "
        "détail. Votre contact unique : Camille Roussel, pour La Grappe.",
        "  Nous vous prions d’agréer, Madame, Monsieur, l’expression de nos salutations "
        "distinguées.",
        "[#mairie-roubaix] - R-1 : votre demande est désormais close. Merci de votre confiance.",
        "[#mairie-roubaix] - Quelle note donneriez-vous au traitement de votre demande R-1, "
        "de 1 (pas du tout satisfaisant) à 5 (très satisfaisant) ? Répondez simplement par un "
        "chiffre.",
        "  ↳ R-1 : 1️⃣ 1 [note-1] · 2️⃣ 2 [note-2] · 3️⃣ 3 [note-3] · 4️⃣ 4 [note-4] · "
        "5️⃣ 5 [note-5]",
        "[#mairie-roubaix] - Merci : votre note de 5/5 pour la demande R-1 est bien "
        "enregistrée.",
    ]
    said = "\n".join(room_lines(whole))
    for name in ("Sobre & Clair", "Cap Commun", "Encre Verte"):  # declined or not chosen
        assert name not in said
    assert "décline" not in said
    assert "/5 ont répondu" not in said
    assert "@" not in said
    # the team sees the rating, and the reply that was sent
    assert "Mairie de Roubaix a noté le traitement de la demande R-1 : 5/5." in whole
    assert "Nadia Benali a répondu au client : « Bonjour Madame Martin" in whole
    async with console.bot.db.session(read_only=True) as s:
        table = await export_rows(s)
    record = dict(zip(table.header, table.rows[0], strict=True))
    assert record["Heures ouvrées jusqu’à la première réponse au client"] == \
        timedelta(hours=1, minutes=30)  # Friday 17:30 → Monday 10:00
    assert record["Première réponse au client en retard"] == "non"
    assert record["Satisfaction du client (1 à 5)"] == 5
