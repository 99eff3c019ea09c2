"""Which skills a client's need asks for, and which of its words said so.

The directory names each skill by its slug, its label and its synonyms (the index of
``commands.lookup.skill_index``). People write the need in their own forms of these
words, so one need word meets one term word when, after folding accents and case:

- they have the same ``form``: the plural dropped, an adjective, an agent or a verb
  put for its noun (``sociaux``/``social``, ``solidarité``/``solidaire``,
  ``former``/``formation``, ``créateurs``/``création``);
- they have the same French Snowball stem and most of their letters (``affiches``,
  ``visuels``/``visuelle``), or one is a long prefix of the other
  (``événement``/``événementiel``) — never two words of very different lengths
  (``commune`` is not ``communication``, nor ``communiqué``);
- they differ by a typo (rapidfuzz ratio ≥ 85 for words of 6 letters or more).

A term of several words matches when its words come one after the other in the need
(``mise en page``, not ``mise à jour des pages``); one word of it is enough when that word
names that skill only and is not a generic word (``site`` of "site internet" says
*numérique*; ``création`` or ``projet`` say nothing on their own). A few phrases mean a
directory word without sharing its letters (``instagram`` → réseaux sociaux), and a few
mean none (``conseil municipal`` is not the *conseil* skill): ``_PHRASES``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from commands.lookup import index_of
from commands.text import fold, fold_in_place
from storage.models import Skill

STOPWORDS = frozenset("""
a au aux avec ce ces cet cette d dans de des du en et l la le les leur leurs ma mes mon
nos notre ou par pour pr sa ses son sur un une vos votre qu que qui s n c j m t y
the of for and to on in an at by our their with from
""".split())
# Words that say nothing on their own: one of them never matches a term of several words.
GENERIC = frozenset("""
accompagnement accompagner activite aide aider assistance association associatif
associative business competence complexe cooperative creation creer design developpement
elu entreprise etude identite job lecture maitrise mise montee ouvrage page participation
plan production projet public publique resolution responsable residence service social
sociale sociaux strategie strategique study work
""".split())
# Words of the need that never name a skill, nor are worth naming when nothing matched.
FILLER = frozenset("""
besoin besoins faire fait refaire nouveau nouvelle nouveaux nouvelles ville villes mairie
commune communes pour notre nos cherche cherchons recherche souhaite voudrait veut
voulons aimerait pouvez merci bonjour svp stp urgent urgence asap possible vite tres
trop truc chose sais need want please new some any this that there
""".split())
_PHRASES = {  # folded phrase → directory words it means ("" = a name, not a skill)
    "social media": "reseaux sociaux", "instagram": "reseaux sociaux",
    "facebook": "reseaux sociaux", "linkedin": "reseaux sociaux", "tiktok": "reseaux sociaux",
    "newsletter": "communication", "infolettre": "communication",
    "flyer": "affiche", "tract": "affiche", "kakemono": "affiche", "poster": "affiche",
    "banderole": "affiche", "signaletique": "graphisme", "gala": "evenement",
    "depliant": "plaquette", "brochure": "plaquette",
    "internet": "web", "intranet": "web", "appli": "application", "app": "application",
    "photographe": "photo", "photographie": "photo", "clip": "video", "drone": "photo",
    "sans domicile": "precarite", "sans abri": "precarite", "sans-abri": "precarite",
    "sdf": "precarite", "pauvrete": "precarite", "handicap": "inclusion",
    "chomage": "emploi", "chomeur": "emploi", "recrutement": "emploi", "embauche": "emploi",
    "concert": "spectacle", "theatre": "spectacle", "exposition": "culturel",
    "musee": "patrimoine", "bibliotheque": "lecture publique",
    "mediatheque": "lecture publique", "fete": "evenement", "portes ouvertes": "evenement",
    "marche de noel": "evenement", "conference": "colloque", "congres": "colloque",
    "questionnaire": "enquete", "sondage": "enquete", "comptes annuels": "compta",
    "tresorerie": "compta", "facturation": "compta", "salaire": "paie",
    "financement": "subvention", "cours": "formation", "compte": "", "comptes": "compta",
    "compte rendu": "", "salle des fetes": "",
    "conference de presse": "presse", "journal municipal": "presse",
    "tutoriel": "formation", "payroll": "paie", "fundraising": "subvention",
    "grant": "subvention",
    "conseil municipal": "", "conseil departemental": "", "conseil regional": "",
    "conseil communautaire": "", "conseil d'administration": "", "conseil de quartier": "",
    "communaute de communes": "",
}
_PHRASE_RE = re.compile(r"(?<![\w-])(" + "|".join(  # a phrase, or its plural
    re.escape(p) for p in sorted(_PHRASES, key=len, reverse=True)) + r")[sx]?(?![\w-])")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TYPO, _SAME_STEM, _LENGTHS, _SUGGEST = 85, 0.8, 0.6, 75
_KNOWN = 20_000  # need words remembered per directory
# what members write has no end: the memos of words are bounded, or a bot that runs for
# months would keep every word it was ever sent (and every pair with a term)
_STEMS, _PAIRS, _DIRECTORIES = 50_000, 200_000, 4


@cache
def _french() -> Any:
    import snowballstemmer  # pure Python, ~0.3 MB: loaded at the first need, not at start-up

    return snowballstemmer.stemmer("french")


@lru_cache(maxsize=_STEMS)
def _stem(word: str) -> str:
    return str(_french().stemWord(word))


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


_DERIVED = (("arite", "aire"), ("atrice", "ation"), ("ateur", "ation"), ("ative", "ation"),
            ("atif", "ation"))


def form(word: str) -> str:
    """One form for a word's plural, its adjective, agent or verb and its noun:
    ``sociaux`` → ``social``, ``solidarité`` → ``solidaire``, ``formateurs``,
    ``former`` → ``formation``, ``communiquer`` → ``communication``."""
    if word.endswith("aux") and len(word) > 5:
        return word[:-3] + "al"
    word = _singular(word)
    for ending, instead in _DERIVED:
        if word.endswith(ending):
            return word[: -len(ending)] + instead
    if word.endswith("er") and len(word) > 5:
        stem = word[:-2]
        return (stem[:-2] + "c" if stem.endswith("qu") else stem) + "ation"
    return word


def words_of(text: str) -> list[str]:
    """The folded content words of ``text``, with its near-synonym phrases rewritten."""
    folded = _PHRASE_RE.sub(lambda m: f" {_PHRASES[m.group(1)]} ", fold(text).replace("’", "'"))
    found: list[str] = []
    for token in _WORD.findall(folded.replace("'", " ")):
        found += [w for w in token.split("-") if w and w not in STOPWORDS]
    return found


def _shared(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@lru_cache(maxsize=_PAIRS)
def same_word(need: str, term: str) -> bool:
    """Whether a need word is another form of a term word (both folded)."""
    a, b = form(need), form(term)
    return a == b or _near(need, term) or ((a, b) != (need, term) and _near(a, b))


def _near(need: str, term: str) -> bool:
    short, long_ = sorted((need, term), key=len)
    if len(short) < 4 or len(short) / len(long_) < _LENGTHS:
        return False
    a, b = _stem(need), _stem(term)
    if len(a) >= 4 and a == b and _shared(need, term) / len(short) >= _SAME_STEM:
        return True
    if len(short) >= 5 and long_.startswith(short):
        return True
    if len(short) >= 6 and need[0] == term[0]:
        from rapidfuzz.fuzz import ratio  # C, ~1 MB: loaded with the first need

        return ratio(need, term) >= _TYPO
    return False


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    skill_id: int


@dataclass(frozen=True)
class Vocabulary:
    """The directory's terms as word sequences, and which words name one skill only.

    ``meets`` finds the term words a need word meets from a few dictionaries and one C
    scan (rapidfuzz), then keeps those that ``same_word`` accepts: one rule, found fast.
    Built once per directory generation (``vocabulary``), with what each command would
    otherwise redo: the skills' slugs, the owner of each
    word and the words a need word meets or comes near.
    """

    terms: tuple[Term, ...]
    distinctive: frozenset[str]
    slugs: dict[int, str]  # skill id → its slug
    words: tuple[str, ...] = ()
    by_form: dict[str, list[str]] = field(default_factory=dict)
    by_stem: dict[str, list[str]] = field(default_factory=dict)
    known: dict[str, frozenset[str]] = field(default_factory=dict)
    rank: dict[str, list[int]] = field(default_factory=dict)  # word → its terms' positions
    owner: dict[str, int] = field(default_factory=dict)  # a term word → a skill it names
    choices: tuple[str, ...] = ()  # the owners' words, in the order of ``terms``
    nearest: dict[str, tuple[float, int] | None] = field(default_factory=dict)

    def terms_with(self, words: set[str]) -> list[Term]:
        """The terms that have one of ``words``, in the order of ``terms``."""
        return [self.terms[i] for i in sorted({i for w in words for i in self.rank.get(w, ())})]

    def meets(self, word: str) -> frozenset[str]:
        if (found := self.known.get(word)) is not None:
            return found
        said = form(word)
        candidates = {*self.by_form.get(said, ()), *self.by_stem.get(_stem(said), ()),
                      *self.by_stem.get(_stem(word), ())}
        if len(word) >= 5:
            candidates.update(w for w in self.words if w.startswith(word) or word.startswith(w))
        if len(word) >= 6:
            from rapidfuzz.fuzz import ratio
            from rapidfuzz.process import extract

            candidates.update(w for w, _score, _i in extract(
                word, self.words, scorer=ratio, score_cutoff=_TYPO, limit=None))
        found = frozenset(w for w in candidates if same_word(word, w))
        if len(self.known) < _KNOWN:
            self.known[word] = found
        return found

    def near(self, word: str) -> tuple[float, int] | None:
        """The score and skill of the term word nearest to ``word``, if near enough."""
        if word in self.nearest:
            return self.nearest[word]
        from rapidfuzz.fuzz import ratio
        from rapidfuzz.process import extractOne

        found = extractOne(word, self.choices, scorer=ratio, score_cutoff=_SUGGEST)
        best = None if found is None else (found[1], self.owner[found[0]])
        if len(self.nearest) < _KNOWN:
            self.nearest[word] = best
        return best


def vocabulary(skills: Sequence[Skill], synonyms: Mapping[int, list[str]]) -> Vocabulary:
    """The directory's vocabulary, from its skills and synonyms (a builder that storage's
    directory cache keeps per generation: ``dir_repo.from_skills``)."""
    return vocabulary_of(index_of(skills, synonyms))


def vocabulary_of(index: Mapping[str, Skill]) -> Vocabulary:
    """The vocabulary of a skill index (``commands.lookup.index_of``)."""
    return _vocabulary(tuple(sorted((t.replace("-", " "), s.id or 0) for t, s in index.items())),
                       tuple(sorted({(s.id or 0, s.slug) for s in index.values()})))


@lru_cache(maxsize=_DIRECTORIES)
def _vocabulary(entries: tuple[tuple[str, int], ...],
                slugs: tuple[tuple[int, str], ...]) -> Vocabulary:
    terms = {Term(tuple(words_of(text)), skill_id) for text, skill_id in entries}
    owners: dict[str, set[int]] = {}
    for term in terms:
        for word in term.words:
            owners.setdefault(word, set()).add(term.skill_id)
    distinctive = frozenset(w for w, ids in owners.items() if len(ids) == 1
                            and not {w, _singular(w), form(w)} & GENERIC and len(w) >= 4)
    by_form: dict[str, list[str]] = {}
    by_stem: dict[str, list[str]] = {}
    for word in owners:
        known = form(word)
        by_form.setdefault(known, []).append(word)
        for stem in {_stem(known), _stem(word)}:
            by_stem.setdefault(stem, []).append(word)
    ordered = tuple(sorted((t for t in terms if t.words), key=lambda t: (-len(t.words), t.words)))
    rank: dict[str, list[int]] = {}
    for i, term in enumerate(ordered):
        for word in set(term.words):
            rank.setdefault(word, []).append(i)
    owner = {w: t.skill_id for t in ordered for w in t.words}
    return Vocabulary(ordered, distinctive, dict(slugs), tuple(sorted(owners)), by_form,
                      by_stem, rank=rank, owner=owner, choices=tuple(owner))


@dataclass
class Inference:
    """The skills found (their ids, in the order found), the need words behind each, and
    the words that matched nothing."""

    ids: list[int] = field(default_factory=list)
    because: dict[int, list[str]] = field(default_factory=dict)  # skill id → need words
    unmatched: list[str] = field(default_factory=list)


def infer(need: str, vocabulary: Vocabulary) -> Inference:
    """The skills ``need`` asks for in the directory's ``vocabulary``."""
    said = ["" if w in FILLER else w for w in words_of(need)]  # "commune" is no skill's word
    as_written = {fold(w): w for w in re.findall(r"\w+", need)}
    folded = fold_in_place(need)
    for m in _PHRASE_RE.finditer(folded):  # "marché de Noël" said for "événement"
        for word in _PHRASES[m.group(1)].split():
            as_written.setdefault(word, need[m.start():m.end()])

    def shown(word: str) -> str:
        return as_written.get(word, word)

    meets = [vocabulary.meets(w) if w else frozenset() for w in said]
    used: set[int] = set()
    result = Inference()
    for term in vocabulary.terms_with(set().union(*meets)):
        positions = _found(meets, term, vocabulary.distinctive)
        if not positions:
            continue
        used.update(positions)
        if term.skill_id not in result.ids:
            result.ids.append(term.skill_id)
        because = result.because.setdefault(term.skill_id, [])
        because[:] = dict.fromkeys([*because, *(shown(said[i]) for i in positions)])
    result.unmatched = list(dict.fromkeys(
        shown(w) for i, w in enumerate(said)
        if i not in used and len(w) >= 3 and not w.isdigit()))
    return result


def _found(meets: list[frozenset[str]], term: Term, distinctive: frozenset[str]) -> list[int]:
    """The need positions that make ``term`` match: the whole term in a row, or one
    distinctive word of it (``meets[i]``: the term words the i-th need word meets)."""
    n = len(term.words)
    for start in range(len(meets) - n + 1):
        if all(term.words[k] in meets[start + k] for k in range(n)):
            return list(range(start, start + n))
    if n > 1:
        for i, met in enumerate(meets):
            if any(w in met for w in term.words if w in distinctive):
                return [i]
    return []


def suggestion(words: list[str], vocabulary: Vocabulary) -> str | None:
    """The slug of the skill whose words come nearest to ``words`` (a #tag to propose),
    when one comes near enough to be a fair example."""
    best: tuple[float, int] | None = None
    for word in words:
        found = vocabulary.near(word)
        if found is not None and (best is None or found[0] > best[0]):
            best = found
    return vocabulary.slugs[best[1]] if best else None
