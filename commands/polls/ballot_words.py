"""The words of a poll answer, French and English, as people write them.

Phrases are replaced by one token each, longest meaning first, in folded text
(``commands.text.fold``): ``ALL`` (any option), ``NONE``, ``EXCEPT`` ("sauf", "all but"),
``YES``, ``MAYBE`` (a hedge: "à la limite", "at a push"), ``NO``; what is left must be
option numbers, ordinals, joiners or filler words, else the answer is not read.
"""

from __future__ import annotations

import re

YES, MAYBE, NO = "yes", "maybe", "no"

CLOCK = re.compile(r"\b\d{1,2} ?h ?(?:\d{2})? ?(?:-|–|a|to) ?\d{1,2} ?h ?(?:\d{2})?\b"
                   r"|\b\d{1,2} ?h ?(?:\d{2})?\b|\b\d{1,2}:\d{2}\b|\b\d{1,2} ?(?:am|pm)\b")
KEYCAPS = {f"{n}\ufe0f\u20e3": f" {n} " for n in range(10)} | {
    f"{n}\u20e3": f" {n} " for n in range(10)} | {"🔟": " 10 "}
MAYBE_EMOJI = "❓❔🤔🤷"
YES_EMOJI = "👍👌✅✔☑✓💪🙋🆗💯"
NO_EMOJI = "👎❌✖🙅⛔🚫✗"

PHRASES: list[tuple[str, str]] = [
    ("EXCEPT", r"\b(?:tout|tous|toutes|all|any|anything|everything|everyone|n'importe)"
               r"(?: les (?:dates|options|creneaux|jours))?(?: (?:me va|me vont|ok|good))?"
               r" (?:sauf|but|except(?: for)?|excepte|hormis|a part)\b"),
    ("EXCEPT", r"\b(?:sauf|except(?: for)?|excepte|hormis|other than|a part)\b"),
    ("YES", r"\b(?:je |on |nous )?(?:ne|n') ?(?:peux|peut|pouvons|pourr\w*|serai\w*|suis"
            r"|sommes|serons|vien\w*)(?: venir| la| dispo\w*| libres?)? (?:que|qu')"),
    ("NONE", r"\b(?:(?:je |on |nous )?(?:ne )?(?:peu\w*|pourr\w*|ser(?:ai|a|ons|ont)\w*"
             r"|suis|sommes)"
             r"(?: dispo\w*| libres?| la)? (?:a |venir a )?aucun\w*"
             r"|aucun\w*(?: (?:des|de ces) (?:trois|deux|options|dates|creneaux|propositions"
             r"|jours))?"
             r"(?: (?:date|option|creneau|proposition|jour)s?)?(?: (?:n'est |de )?possibles?)?"
             r"(?: ne (?:me |nous |m')?"
             r"(?:va|vont|convien\w*|conviendra\w*|arrange\w*))?"
             r"|rien ne (?:me |nous )?(?:va|convient|arrange|marche)|rien|nada|nan aucun\w*"
             r"|none(?: of (?:them|these|those|the (?:dates|options)))?(?: (?:works?|suits?"
             r"|is (?:ok|fine|good)))?(?: for (?:me|us))?|(?<!if )nothing(?: works| suits)?"
             r"|(?:i |we )?(?:can'?t|cannot) (?:make|do|attend)"
             r" (?:any(?: of (?:them|those|these))?|it)"
             r"|no (?:date|option|day)s? works?"
             r"|pas (?:dispo\w*|libres?)(?: du tout)?|indispo\w*|jamais|never|pas possible"
             r"|impossible)\b"),
    ("ALL", r"\b(?:(?:i'm |i am |we're |we are )?(?:fine|ok|okay|happy|good) with"
            r" (?:any|all|either|whatever)(?: of them)?"
            r"|every (?:option|date|day|slot)(?: works?| is (?:fine|ok|good))?"
            r"|je m'adapte\w*|(?:i'll|i can|we can|we'll) adapt|adaptable"
            r"|(?:n'? ?|peu (?:m'|nous )?)importe(?: (?:lequel|laquelle|lesquel\w*|quand|quoi"
            r"|quel\w*))?(?: (?:date|jour|option|creneau)s?)?|(?:ca|cela) m'(?:est|es) egal"
            r"|(?:ca|cela) (?:m'|nous )?est egal|egal|je m'en fiche|whichever(?: one)?"
            r"|(?:it )?doesn'?t matter|(?:i )?don'?t mind|no matter|sans importance"
            r"|tout (?:est|c'est|me semble|me parait) (?:ok|bon|good|fine|parfait|jouable)"
            r"|(?:tout|tous|toutes)(?: les (?:dates|options|creneaux|jours|trois|3))?"
            r"(?: (?:(?:me|nous) )?(?:va|vont|convien\w*|arrange\w*|ok|marchent|passent))?"
            r"|(?:les|all|the) (?:trois|three|3)(?: of them)?"
            r"|any(?: of (?:them|these|those|the (?:three|3|options|dates))| one| option| date"
            r"| day)?(?: (?:works?|is (?:fine|ok|good)|will do"
            r"|suits?))?|whatever(?: works| suits)?|either(?: one)?(?: (?:works|is fine))?"
            r"|all (?:good|fine|ok|work|works|of them)|all|every(?: one|thing)|everything works"
            r"|(?:pas de|aucune) preference|no preference|sans preference|partout"
            r"|(?:i'm|im|i am|we're|we are) (?:flexible|easy)|flexible"
            r")"
            r"(?: for (?:me|us)| pour (?:moi|nous))?\b"),
    ("REST", r"\b(?:tout le reste|le reste|les autres|the rest|the others|all the others)"
             r"(?: (?:ok|oui|yes|fine|good|me va|me vont|works?|aussi|too))?\b"),
    ("ELSE", r"\b(?:sinon|voire|ou a la rigueur|ou sinon|a defaut|failing that|or else"
             r"|otherwise)\b"),
    ("YES", r"\b(?:me|nous|m') ?(?:va|vont|convien\w*|arrange\w*|irai\w*|ok|dit|tente)\b"),
    ("MAYBE", r"(?:\b(?:a la (?:limite|rigueur)|at a stretch|a voir|on verra|tbc|to be confirmed"
              r"|a confirmer|sous reserve|if nothing else|if there'?s nothing else|if no other"
              r"|si possible|if possible|provisionally|tentatively"
              r"|tentative|en depannage"
              r"|depannage|en secours|en backup"
              r"|backup|en plan b|plan b|as a (?:backup|fallback)|fallback|en repli|repli"
              r"|eventuellement|si (?:vraiment |absolument )?(?:besoin|necessaire|indispensable)"
              r"|si (?:besoin|necessaire|vraiment"
              r"|il faut|on n'a pas le choix|pas le choix|pas d'autre choix)(?: il faut)?"
              r"|au besoin|au pire|en dernier recours|en dernier|peut[- ]etre|pt[- ]?etre"
              r"|faute de mieux|bof|moyen|pas ideal|maybe|perhaps|possibly|probably"
              r"|at a push|at a pinch|in a pinch|if (?:i |we )?(?:really )?(?:must|have to|need to)"
              r"|if (?:need be|needed|necessary|i must|i have to"
              r"|we must|really needed|all else fails|nothing else|no other choice)|otherwise"
              r"|as a last resort|last resort|not ideal|could do|might|mb)\b|\(\?\)|\?|~)"),
    ("NO", r"(?:^|(?<=[,;])) ?ni\b"),  # "ni le 2 ni le 3"
    ("NO", r"\b(?:non|no|nope|nan|pas|not|impossible|x|indispo\w*|je ne peux pas|can'?t"
           r"|cannot|ko)\b"),
    ("YES", r"(?:\b(?:yes to|ok for|ok pour|oui pour|oui+|ouais|yes+|yep|yeah|ok+|okay|dispo\w*"
            r"|ca (?:me |nous )?(?:marche|va)"
            r"|parfait|de pref\w*|aussi|also|too|egalement|preference|favori\w*|favou?rite"
            r"|au mieux|at best|en priorite"
            r"|en premier|first choice|top choice"
            r"|preferred"
            r"|indifferemment"
            r"|l'un ou l'autre|either way|idealement|possible|faisable|jouable|doable|feasible"
            r"|preferably|ideally|plutot|surtout|v|top|good"
            r"|fine|works?|je peux|i can|volontiers|avec plaisir|bien|super|best|mieux"
            r"|sure|libre|free)\b|\+)"),
]
ORDINALS = {
    "premier": 1, "premiere": 1, "first": 1, "1er": 1, "1ere": 1, "1st": 1,
    "deuxieme": 2, "second": 2, "seconde": 2, "2e": 2, "2eme": 2, "2nd": 2, "third": 3,
    "troisieme": 3, "3e": 3, "3eme": 3, "3rd": 3, "quatrieme": 4, "fourth": 4, "4e": 4,
    "4eme": 4, "4th": 4,
}
MIDDLE = r"\b(?:(?:celle |celui |the one )?(?:du|in the) (?:milieu|middle)|the middle(?: one)?)\b"
LAST = r"\b(?:dernier|derniere|last)(?: one)?\b"
FIRST_FEW = re.compile(r"\b(?:les|the) (?P<n>\d|deux|trois|two|three) (?:premier|premiere|first)s?"
                       r"(?: ones?)?\b|\b(?:the )?first (?P<m>\d|two|three)\b")
LAST_FEW = re.compile(r"\b(?:les|the) (?P<n>\d|deux|trois|two|three) (?:dernier|derniere|last)s?"
                      r"(?: ones?)?\b|\b(?:the )?last (?P<m>\d|two|three)\b")
SMALL = {"deux": 2, "trois": 3, "two": 2, "three": 3}
NUMBERED = re.compile(r"\b(?:la|le|option|number|numero|choix) (?P<n>une?|deux|trois|quatre"
                      r"|cinq|six"
                      r"|one|two|three|four|five|six)\b")
NUMBER_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
                "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
NUMBER_MARK = re.compile(r"\bno\. ?(?=\d)|\b(?:nr|num)\.? ?(?=\d)|n°")
FILLER = re.compile(
    r"\b(?:le|la|les|l'|the|option|options|choix|creneau|no\.|num|numero|date|dates|ce sera"
    r"|sera|will be|it's|it is"
    r"|one|ones|pour|for|moi|me|je|j'|i|on|nous|we|seulement|uniquement"
    r"|que|qu'|only|just|juste|ce|c'est|it's|is|de|du|d'|a|un|une|jour|day|proposition"
    r"|prefere|prefer|vote|i'd|would|go|pick|choose|choisis|prends|prend|retiens|opte|take|i'll"
    r"|(?:to|with) (?:me|us)|ca|cela|mon|ma|mes|my|notre|our|ces jours-la|ces jours|ces dates"
    r"|ces creneaux|those days"
    r"|these dates|those dates|opt|opts|choice|nr|sorry|desole\w*|malheureusement"
    r"|unfortunately|helas|merci|thanks|thx|svp|stp|pls|plz|please|bonjour|hello|hi|salut"
    r"|seule?|solely|exclusivement|exclusively|strictly|est|sont|is|are|du tout|at all"
    r"|toute la journee|toute la matinee|all day"
    r"|whole day|journee entiere|full day)\b"
    r"|n°|[#()!.:'\"]")
JOIN = re.compile(r"\b(?:et|and|ou|or|plus|ni|nor)\b|[/+&]")
SEP = re.compile(r"[,;]|\b(?:mais|but|puis non)\b")
KEYWORDS = frozenset((
    "seulement uniquement eventuellement limite preference aucun aucune toutes importe "
    "convient except premier premiere deuxieme troisieme derniere dernier second lundi mardi "
    "mercredi jeudi vendredi monday tuesday wednesday thursday friday toute seule journee "
    "matinee nimporte possible").split())
