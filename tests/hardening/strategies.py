"""Texts that reach deep into the parsers: arbitrary text, and words the parsers know."""

from __future__ import annotations

from hypothesis import strategies as st

WORDS = [
    "lundi", "mardi", "jeudi", "vendredi", "demain", "aujourd'hui", "after", "friday", "next",
    "matin", "après-midi", "soir", "journée", "morning", "14h", "9h-12h", "14h30", "de", "à",
    "le", "du", "au", "pour", "by", "avant", "jusqu'au", "chaque", "tous", "les", "every",
    "week", "x6", "x0", "x999", "sauf", "conflits", "3/12", "31/02", "2026-12-03", "09:00-12:00",
    "25:99", "janvier", "février", "décembre", "1", "2", "3", "0", "-1", "99999999999", "oui",
    "non", "si", "besoin", "peut-être", "maybe", "yes", "no", "tout", "aucun", "et", "1,3",
    "intéressés", "pas", "dispo", "piloter", "lead", "jours", "semaine", "#com", "#compta",
    ":", "|", ",", "—", "-", "R-1", "P-2", "B-3", "membres=a,b", "tous", "masque",
    "par entreprise", "pilote=terreau", "partenaires=a,b", "+terreau", "-terreau", "\u00a0",
    "🎉", "👍", "<!channel>", "@room", "\x00", "'", "\"", "%", "{n}", "{}",
]

words = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
texts = st.one_of(st.text(max_size=80), words,
                  st.tuples(words, st.text(max_size=20), words).map(" ".join))
