"""Reading a request the way members write it: the deadline only where it really is, the
urgency, and the reply that says which words matched which skill (issue #18)."""

from __future__ import annotations

import contextlib
import re
from datetime import date

import pytest
from hypothesis import given, settings

from commands.errors import CommandError
from commands.events import Actor, HomeOpened
from commands.render import plain
from commands.requests.parsing import parse_new_request
from commands.requests.skills import Inference, infer, same_word, vocabulary_of
from tests.accuracy.example import NOW, TZ, skill_index
from tests.conftest import Clock, Console
from tests.hardening.strategies import texts


def test_a_pour_in_the_need_is_not_the_deadline() -> None:
    new = parse_new_request("Mairie de Marcq : affiches pour le marché de Noël pour le 10 décembre",
                            now=NOW, tz=TZ)
    assert (new.need, new.deadline) == ("affiches pour le marché de Noël", date(2026, 12, 10))


@pytest.mark.parametrize("need", [
    "affiches pour le marché de Noël",
    "un devis pour des chaises pour 80 personnes",
    "formation de 2 jours pour les agents",
    "séminaire des cadres les 10 et 11 décembre",
    "photos pour la cérémonie du 11 novembre",
    "une vidéo pour la journée du patrimoine",
])
def test_no_request_is_refused_for_a_word_of_its_need(need: str) -> None:
    new = parse_new_request(f"Mairie : {need}", now=NOW, tz=TZ)
    assert (new.need, new.deadline) == (need, None)


@pytest.mark.parametrize(("said", "day", "need"), [
    ("affiches avant le 10 décembre pour le marché", date(2026, 12, 10), "affiches pour le marché"),
    ("logo d'ici fin janvier", date(2027, 1, 31), "logo"),
    ("logo au plus tard vendredi", date(2026, 11, 27), "logo"),
    ("logo, le 3/12", date(2026, 12, 3), "logo"),
    ("réunion publique sur le PLU le 8 décembre", date(2026, 12, 8), "réunion publique sur le PLU"),
    ("logo pour dans 15 jours", date(2026, 12, 11), "logo"),
    ("logo sous huitaine", date(2026, 12, 4), "logo"),
    ("logo pour mi-janvier", date(2027, 1, 15), "logo"),
    ("logo by next friday", date(2026, 11, 27), "logo"),
    ("logo, échéance : 15 janvier", date(2027, 1, 15), "logo"),
    ("logo d'ici 15 jours", date(2026, 12, 11), "logo"),
    ("logo pour ce vendredi", date(2026, 11, 27), "logo"),
    ("logo pour vendredi 11", date(2026, 12, 11), "logo"),
    ("logo avant Noël", date(2026, 12, 25), "logo"),
])
def test_the_deadline_is_taken_where_it_is(said: str, day: date, need: str) -> None:
    new = parse_new_request(f"Mairie : {said}", now=NOW, tz=TZ)
    assert (new.deadline, new.need) == (day, need)


@pytest.mark.parametrize(("said", "message"), [
    ("un logo pour le 31 février", "is not a real date"),
    ("un logo pour le 20 novembre", "is already past"),  # six days ago, not next year
])
def test_a_day_that_cannot_be_is_refused_with_the_reason(said: str, message: str) -> None:
    with pytest.raises(CommandError) as refused:
        parse_new_request(f"Mairie : {said}", now=NOW, tz=TZ)
    assert message in refused.value.message


@pytest.mark.parametrize(("said", "client", "need"), [
    ("URGENT Mairie : un logo", "Mairie", "un logo"),
    ("Mairie : URGENT : un logo", "Mairie", "un logo"),
    ("Mairie : un logo, c'est urgent !", "Mairie", "un logo"),
    ("Mairie : un logo au plus vite", "Mairie", "un logo"),
    ("Town hall : a logo ASAP", "Town hall", "a logo"),
    ("Mairie : un besoin urgent de graphiste", "Mairie", "un besoin urgent de graphiste"),
])
def test_urgency_is_flagged_and_taken_out_at_the_edges(said: str, client: str, need: str) -> None:
    new = parse_new_request(said, now=NOW, tz=TZ)
    assert (new.urgent, new.client, new.need) == (True, client, need)


def test_hebergement_d_urgence_is_a_need_not_an_urgency() -> None:
    assert not parse_new_request("CCAS : hébergement d'urgence", now=NOW, tz=TZ).urgent


@pytest.mark.parametrize(("need", "term", "same"), [
    ("affiches", "affiche", True), ("solidaire", "solidarite", True),
    ("evenements", "evenementiel", True), ("graphsite", "graphiste", True),
    ("visuels", "visuelle", True), ("commune", "communication", False),
    ("evaluer", "evaluation", True), ("former", "formation", True),
    ("createurs", "creation", True), ("sociaux", "social", True),
    ("communique", "communication", False), ("paiement", "paie", False),
])
def test_forms_of_a_word(need: str, term: str, same: bool) -> None:
    assert same_word(need, term) is same


def _because(found: Inference) -> dict[str, list[str]]:
    """The need words behind each skill found, by the skill's slug."""
    slugs = vocabulary_of(skill_index()).slugs
    return {slugs[i]: found.because[i] for i in found.ids}


def test_a_near_synonym_is_quoted_as_it_was_written() -> None:
    found = infer("affiches pour le marché de Noël et un compte Instagram",
                  vocabulary_of(skill_index()))
    by_slug = _because(found)
    assert by_slug == {"graphisme": ["affiches"], "evenementiel": ["marché de Noël"],
                       "communication": ["Instagram"]}


def test_the_inference_says_which_words_matched_and_which_did_not() -> None:
    found = infer("créer une épicerie solidaire et son site", vocabulary_of(skill_index()))
    by_slug = _because(found)
    assert sorted(by_slug) == ["action-sociale", "numerique"]
    assert by_slug == {"action-sociale": ["solidaire"], "numerique": ["site"]}
    assert found.unmatched == ["créer", "épicerie"]


async def test_the_reply_explains_the_matches_and_suggests_tags(console: Console,
                                                                clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    out = await console.run("nadia: /grappe demande CCAS : création d'une épicerie solidaire",
                            "nadia: /grappe demande Mairie : un traiteur pour 80 personnes")
    assert "Action sociale (d’après « solidaire »)" in out
    assert "Aucune compétence pour « création, épicerie »" in out
    second = out.split("R-2", 1)[1]
    assert "aucune entreprise ne correspond" in second
    assert re.search(r"Aucune compétence pour « traiteur, personnes ».*#étiquette", second)


async def test_an_urgent_request_is_flagged_on_its_card_and_listed_first(console: Console,
                                                                         clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    out = await console.run("nadia: /grappe demande Mairie : un logo",
                            "nadia: /grappe demande Ville : un site internet, urgent !",
                            "nadia: /grappe demande Commune : une vidéo")
    assert "🚨 Urgent · R-2 · Ville" in out
    listing = (await console.run("nadia: /grappe demandes")).splitlines()
    refs = [m.group(0) for line in listing if (m := re.search(r"R-\d", line))]
    assert refs[:3] == ["R-2", "R-3", "R-1"]
    assert "🚨 urgente" in next(line for line in listing if "R-2" in line)
    digest = (await console.run("camille: /grappe resume apercu")).splitlines()
    opened = [m.group(0) for line in digest if (m := re.search(r"R-\d", line))]
    assert opened[:3] == ["R-2", "R-1", "R-3"]  # the week's new ones, urgent first
    assert "🚨 urgente" in next(line for line in digest if "R-2" in line)
    await console.run("nadia: /grappe demande Commune : une application web pour le "
                      "10 décembre")  # a deadline, and the same enterprises as R-2
    opened = await console.bot.dispatch(HomeOpened(Actor("console", "thomas"), "home:thomas"))
    assert opened.home is not None
    home = plain(opened.home.blocks)
    assert home.index("🚨 urgente · R-2 · Ville") < home.index("R-4 · Commune")


@settings(max_examples=300, deadline=None)
@given(texts)
def test_any_need_is_read_and_explained(need: str) -> None:
    with contextlib.suppress(CommandError):
        new = parse_new_request(f"Mairie : {need}", now=NOW, tz=TZ)
        found = infer(new.need, vocabulary_of(skill_index()))
        assert set(found.because) == set(found.ids)
