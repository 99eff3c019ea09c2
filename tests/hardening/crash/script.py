"""The scripted day-to-day of the cooperative that the crash campaigns replay.

``generate(n, seed)`` gives ``n`` steps as people of ``examples/cooperative.toml``
would act: requests relayed, answered in their threads and by buttons, re-relayed,
assigned and closed; rooms and equipment booked, approved, declined and cancelled;
date polls opened, voted on and closed; a few look-ups. The same seed gives the same
steps. Dates are in the next year (on business days), so the bot can run on the real
clock and the script means the same thing whenever it runs.

A step is platform-neutral; ``console_line`` writes it in the console's line contract
and each campaign turns it into its platform's messages (a click is a reaction on
Matrix and a button on Slack).
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from commands.dates.business_hours import is_business_day
from tests.conftest import EXAMPLE

COORDINATORS = ("camille", "karim", "sophie")
CLIENTS = ("Mairie de Roubaix", "Métropole européenne de Lille", "CCAS de Tourcoing",
           "Département du Nord", "Communauté de communes Pévèle Carembault",
           "Mairie de Villeneuve-d'Ascq", "Région Hauts-de-France", "Mairie de Wattrelos")
NEEDS = {
    "communication": "une campagne sur le tri des biodéchets",
    "comptabilite": "reprendre la comptabilité d'une régie de quartier",
    "relations-publiques": "un communiqué de presse sur l'inauguration",
    "action-sociale": "un accompagnement social des locataires",
    "culture": "une résidence d'artiste dans les écoles",
    "creation-activite": "un parcours d'accompagnement des porteurs de projet",
    "formation": "une formation des agents d'accueil",
    "conseil": "un diagnostic de la gouvernance du centre social",
    "evenementiel": "un forum des associations",
    "numerique": "refaire le site internet de la médiathèque",
    "graphisme": "une affiche et un logo du festival",
    "evaluation": "mesurer l'impact social du jardin partagé",
    "mediation": "une concertation sur le réaménagement de la place",
    "audiovisuel": "un reportage vidéo sur les chantiers d'insertion",
}
ANSWERS = ("Intéressés !", "on peut piloter, dispo jeudi et vendredi matin",
           "Partants, une demi-journée par semaine", "pas dispo avant février, désolés",
           "Volontiers, 3 jours", "We're in, available next week",
           "Qui est le contact côté client ?", "intéressée, 10 heures par mois")
BALLOTS = ("1 et 3", "2", "1 oui, 2 si besoin", "aucun", "1, 2", "3 peut-être", "1 3")
RESOURCES = ("salle-pampre", "salle-garance", "salle-pressoir", "minibus",
             "videoprojecteur", "sono-portable")
APPROVAL = "salle-treille"
SLOTS = ("09:00-10:00", "10:30-11:30", "14:00-15:00", "16:00-17:00")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


@dataclass(frozen=True)
class Step:
    """One thing a person does: a command, an answer in a card's thread, or a click."""

    kind: str  # command | reply | click
    handle: str
    text: str  # the command without "/grappe", the answer, or the click's action
    ref: str | None = None  # the card answered or clicked

    def console_line(self) -> str:
        if self.kind == "command":
            return f"{self.handle}: /grappe {self.text}"
        if self.kind == "reply":
            return f"{self.handle} in {self.ref}: {self.text}"
        return f"{self.handle} clicks {self.ref} {self.text}"


@dataclass
class Directory:
    people: dict[str, str]  # handle → enterprise slug ("" for the coordination team)
    by_skill: dict[str, list[str]]  # skill → enterprise slugs
    slack: dict[str, str]  # handle → Slack user id

    @classmethod
    def example(cls) -> Directory:
        data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
        everyone = [*data.get("people", []), *(p for e in data["enterprises"]
                                                for p in e["people"])]
        people = {p["handle"]: "" for p in data.get("people", [])}
        by_skill: dict[str, list[str]] = {}
        for e in data["enterprises"]:
            people.update({p["handle"]: e["slug"] for p in e["people"]})
            for skill in e["skills"]:
                by_skill.setdefault(skill, []).append(e["slug"])
        return cls(people, by_skill, {p["handle"]: p["slack"] for p in everyone if "slack" in p})

    def of(self, enterprises: list[str], allowed: set[str]) -> list[str]:
        return sorted(h for h, e in self.people.items() if e in enterprises and h in allowed)


@dataclass
class _State:
    requests: dict[int, list[str]] = field(default_factory=dict)  # open R-n → consulted
    relayed: set[int] = field(default_factory=set)
    assigned: set[int] = field(default_factory=set)
    polls: dict[int, str] = field(default_factory=dict)  # open P-n → its author
    bookings: dict[int, str] = field(default_factory=dict)  # live B-n → its booker
    pending: set[int] = field(default_factory=set)  # B-n awaiting approval
    clicked: set[tuple[str, str]] = field(default_factory=set)  # (who, card): Matrix has one
    counts: dict[str, int] = field(default_factory=lambda: {"R": 0, "P": 0, "B": 0})


def business_days(year: int) -> Iterator[date]:
    day = date(year, 2, 1)
    while True:
        if is_business_day(day):
            yield day
        day += timedelta(days=1)


class _Writer:
    def __init__(self, seed: int, year: int, allowed: set[str]):
        self.rng = random.Random(seed)
        self.dir = Directory.example()
        self.allowed = allowed
        self.year = year
        self.state = _State()
        self.days = business_days(year)
        self.slot = 0
        self.day = next(self.days)
        self.members = sorted(h for h in allowed if h in self.dir.people)

    def pick(self, items: list[str] | tuple[str, ...]) -> str:
        return items[self.rng.randrange(len(items))]

    def when(self) -> str:
        if self.slot == len(SLOTS):
            self.slot, self.day = 0, next(self.days)
        self.slot += 1
        return f"{self.day.isoformat()} {SLOTS[self.slot - 1]}"

    def new(self, kind: str) -> int:
        self.state.counts[kind] += 1
        return self.state.counts[kind]

    # --- one step of each kind, or None when it does not apply now ---------------------
    def request(self) -> Step | None:
        skills = [s for s, ents in self.dir.by_skill.items() if self.dir.of(ents, self.allowed)]
        skill = self.pick(sorted(skills))
        n = self.new("R")
        self.state.requests[n] = self.dir.of(self.dir.by_skill[skill], self.allowed)
        day = self.rng.randrange(1, 28)
        return Step("command", self.pick(self.members),
                    f"demande {self.pick(CLIENTS)} : {NEEDS[skill]} #{skill} "
                    f"pour le {day} {self.pick(MONTHS)} {self.year}")

    def answer(self) -> Step | None:
        unassigned = sorted(set(self.state.requests) - self.state.assigned)
        if not unassigned:
            return None
        n = self.pick(unassigned if self.rng.random() < 0.95 else sorted(self.state.requests))
        who = self.pick(self.state.requests[n])
        if self.rng.random() < 0.25 and (who, f"R-{n}") not in self.state.clicked:
            self.state.clicked.add((who, f"R-{n}"))  # a second 👍 is refused by Matrix
            return Step("click", who, "interested", f"R-{n}")
        return Step("reply", who, self.pick(ANSWERS), f"R-{n}")

    def _first_time(self, done: set[int]) -> int | None:
        """An open request not yet in ``done`` (added to it), or None."""
        open_ = sorted(set(self.state.requests) - done)
        if not open_:
            return None
        n = self.pick(open_)
        done.add(n)
        return n

    def relay(self) -> Step | None:
        if (n := self._first_time(self.state.relayed)) is None:
            return None
        slug = self.pick(sorted({e for e in self.dir.people.values() if e}))
        return Step("command", self.pick(COORDINATORS), f"relayer R-{n} +{slug}")

    def assign(self) -> Step | None:
        if (n := self._first_time(self.state.assigned)) is None:
            return None
        lead = self.dir.people[self.pick(self.state.requests[n])]
        return Step("command", self.pick(COORDINATORS),
                    f"attribuer R-{n} pilote={lead} : la meilleure proposition")

    def close(self) -> Step | None:
        done = sorted(self.state.assigned & set(self.state.requests))
        if not done:
            return None
        n = self.pick(done)
        del self.state.requests[n]
        return Step("command", self.pick(COORDINATORS),
                    f"clore R-{n} {self.pick(('gagne', 'perdu', 'gagnee'))} : bilan fait")

    def book(self) -> Step | None:
        who = self.pick(self.members)
        n = self.new("B")
        self.state.bookings[n] = who
        if self.rng.random() < 0.3 and who not in COORDINATORS:  # theirs need no approval
            self.state.pending.add(n)
            return Step("command", who, f"reserver {APPROVAL} {self.when()} : formation")
        return Step("command", who, f"reserver {self.pick(RESOURCES)} {self.when()} : réunion")

    def decide(self) -> Step | None:
        if not self.state.pending:
            return None
        n = self.pick(sorted(self.state.pending))
        self.state.pending.discard(n)
        if self.rng.random() < 0.3:
            return Step("command", self.pick(COORDINATORS), f"refuser B-{n} : salle prise")
        if self.rng.random() < 0.5:  # a booking card is decided once: one click on it
            return Step("click", self.pick(COORDINATORS), "approve", f"B-{n}")
        return Step("command", self.pick(COORDINATORS), f"valider B-{n}")

    def cancel(self) -> Step | None:
        live = sorted(set(self.state.bookings) - self.state.pending)
        if not live:
            return None
        n = self.pick(live)
        return Step("command", self.state.bookings.pop(n), f"annuler B-{n}")

    def poll(self) -> Step | None:
        who = self.pick(self.members)
        self.state.polls[self.new("P")] = who
        options = " | ".join(self.when() for _ in range(3))
        return Step("command", who, f"dispo Point d'étape : {options}")

    def vote(self) -> Step | None:
        if not self.state.polls:
            return None
        n = self.pick(sorted(self.state.polls))
        return Step("reply", self.pick(self.members), self.pick(BALLOTS), f"P-{n}")

    def close_poll(self) -> Step | None:
        if not self.state.polls:
            return None
        n = self.pick(sorted(self.state.polls))
        return Step("command", self.state.polls.pop(n), f"dispo clore P-{n}")

    def look(self) -> Step | None:
        if self.rng.random() < 0.5:
            return Step("command", self.pick(self.members), "moi")
        slug = self.pick(sorted({e for e in self.dir.people.values() if e}))
        return Step("command", self.pick(self.members), f"membre {slug}")


WEIGHTS = {"request": 10, "answer": 30, "relay": 4, "assign": 6, "close": 5, "book": 12,
           "decide": 5, "cancel": 3, "poll": 5, "vote": 12, "close_poll": 3, "look": 5}


def generate(n: int, seed: int, year: int, allowed: set[str] | None = None) -> list[Step]:
    """``n`` steps; ``allowed`` limits who acts and answers (the Matrix test's accounts)."""
    writer = _Writer(seed, year, allowed or set(Directory.example().people))
    kinds = list(WEIGHTS)
    weights = [WEIGHTS[k] for k in kinds]
    steps: list[Step] = []
    while len(steps) < n:
        step = getattr(writer, writer.rng.choices(kinds, weights)[0])()
        if step is not None:
            steps.append(step)
    return steps
