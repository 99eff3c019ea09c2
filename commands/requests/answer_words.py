"""The words of a thread answer, French and English, as members write them: what says
yes, no, "we can lead", "we are overloaded", "too tight", and what a capacity is.

Patterns match folded text (``commands.text.fold``: lowercase, no accents, ’ as ').
``commands.requests.answers`` reads a message clause by clause with them.
"""

from __future__ import annotations

import re

from commands.requests.answer_values import Capacity

POSITIVE_EMOJI = "👍👌✅✔☑💪🙋🙌🤝👏🆗💯🚀"
NEGATIVE_EMOJI = "👎❌✖🙅⛔🚫"
THANKS_EMOJI = "🙏"  # yes when it is the whole answer, else a thank-you

DECLINE = re.compile("|".join((
    r"pas (?:du tout |trop |vraiment |tres )?(?:dispo\w*|libres?|interesse\w*|pour (?:nous|moi)"
    r"|possible|faisable|le moment|cette fois)",
    r"\bpas (?:assez de |le )?temps\b", r"\b(?:on|nous|je) (?:va |vais |allons )?pass\w*",
    r"\bpas (?:pour )?(?:cette fois|ce coup-ci|celle-ci|ce projet|cette demande|ce coup)\b",
    r"\b(?:pas|plus|aucune?) (?:de )?(?:dispo\w*|place|creneau|capacite|ressources?"
    r"|monde)\b", r"\bje crains que non\b", r"\b(?:ca|ce) (?:ne )?(?:va|sera) pas\b",
    r"\bnot enough (?:lead )?(?:time|capacity|people|staff|bandwidth)\b", r"\bnot (?:feasible"
    r"|doable|possible|realistic)\b", r"\bpas (?:tenable|faisable|realiste|jouable)\b",
    r"\b(?:intenable|irrealiste|infaisable)\b", r"\bunrealistic\b", r"\b(?:i'm|we're) afraid not\b",
    r"\bdeclin\w*", r"\bnon\b", r"\bnan\b", r"\bsans (?:nous|moi)\b", r"\bimpossible\b",
    r"\bcomplets?\b", r"\bindispo\w*", r"\bne pourr\w+ pas\b", r"\bne peu\w* pas\b",
    r"\bpeu[tx]? pas\b", r"\bpourr\w+ pas\b", r"\bpas cette fois\b", r"\bmalheureusement\b",
    r"\bnot (?:interested|available|for (?:us|me)|this time|possible|free)\b",
    r"\bunavailable\b", r"\b(?:we|i)(?: will|'ll)? (?:have to )?pass\b", r"\bpass(?:ing)?\b",
    r"\bno (?:capacity|thanks?|bandwidth|time|way)\b", r"\bcan ?not\b", r"\bcan'?t\b",
    r"\bfully booked\b", r"\b(?:no|nope|nah)\b", r"\bwon'?t\b", r"\bunable\b",
    r"\bsorry,? no\b", r"\bdeclines?\b",
    r"\bne (?:repond|candidat|postul|particip|suivr)\w* pas\b",
    r"\b(?:n'a|n'avons|a|avons) personne\b",
    r"\bpersonne (?:de )?(?:dispo\w*|libre|pour)\b", r"\bpas (?:les |de |d'|assez de )?"
    r"(?:ressources|moyens|capacites?|effectifs?|bras|monde|personnel)\b",
    r"\bpense pas (?:qu'on|que nous|que l'on|pouvoir|etre)\b",
    r"\b(?:don'?t|do not) think (?:we|i)\b", r"\b(?:i|we) doubt\b", r"\bdoute\w* (?:qu'|que|fort)",
    r"\bc'est mort\b", r"\bno[- ]go\b", r"\blaiss\w* (?:passer|filer|tomber)\b",
    r"\b(?:we'll|we will|i'll|going to) skip\b", r"\bskip (?:this|it)\b",
    r"\b(?:pas le bon|mauvais) (?:timing|moment|creneau)\b", r"\b(?:bad|wrong) (?:timing|time)\b",
    r"\bnot the right (?:time|moment)\b", r"\b(?:we're|we are|i'm|on est|je suis) out\b",
    r"\bcount (?:us|me) out\b", r"\bmanqu\w* (?:de |d')(?:bras|monde|temps|ressources|personnel"
    r"|moyens|disponibilite|effectifs?)\b", r"\b(?:short|under)[- ]?staffed\b",
    r"\black (?:of )?(?:time|staff|capacity|people)\b", r"\b(?:don'?t|do not|haven'?t|have no)"
    r" (?:have )?(?:the |enough |any )?(?:capacity|bandwidth|time|resources|people|staff)\b",
    r"\bpas (?:la |le |les |assez de )?(?:capacite|temps|ressources|disponibilite)s?\b",
    r"\bpas (?:les |de |d'|la )?(?:competences?|expertise"
    r"|savoir-faire|skills?|specialite)\b", r"\bpas (?:notre|mon|dans notre) (?:metier"
    r"|c(?:oe|œ)ur de metier|domaine|truc|specialite|champ)\b", r"\bhors (?:de )?(?:notre|nos)"
    r" (?:champ|competences?|perimetre|metier)\b", r"\bnot (?:our|in our) (?:field|area"
    r"|expertise|core|line)\b", r"\bout of (?:our )?(?:scope|depth|league)\b",
)))
OVERLOADED = re.compile("|".join((
    r"\bsous l'? ?eau\b", r"\bdebord\w*", r"\bcharrette\b", r"\boverbook\w*", r"\bblind\w*",
    r"\bplanning (?:est )?(?:plein|complet|blinde|sature)\b", r"\bbande passante\b",
    r"\btrop de (?:boulot|travail|charge|taf|projets|demandes)\b", r"\btrop charge\w*",
    r"\bsurcharge\w*", r"\bsature\w*", r"\bcroul\w*", r"\bsous pression\b", r"\ba fond\b",
    r"\bplus de dispo\w*", r"\boverload\w*", r"\bswamped\b", r"\bsnowed under\b",
    r"\bbandwidth\b", r"\bat (?:full )?capacity\b", r"\bstretched\b", r"\bflat out\b",
    r"\bmaxed out\b", r"\btoo busy\b", r"\bde[bs]ordes\b", r"\brush\b",
    r"\bcharges?\b(?= en| a| jusqu| ce)",
    r"\bfully (?:stretched|committed|booked)\b", r"\bno (?:room|slack)\b", r"\bbusy\b",
    r"\bpleine? (?:charge|bourre)\b", r"\b(?:on est|we're|we are|c'est|je suis) (?:full|plein"
    r"|pleins|au taquet|a bloc|charrette)\b", r"\bau taquet\b", r"\bcomplet\w*\b",
    r"\btoo much (?:on|work|going on)\b", r"\ba la bourre\b", r"\bdans le jus\b",
    r"\boverwhelm\w*", r"\bdeja (?:pris|engage\w*|mobilise\w*|positionne\w* ailleurs)",
    r"\bpris ailleurs\b", r"\balready (?:committed|booked|busy|taken|stretched)\b",
    r"\bbooked (?:up|solid)\b", r"\bslammed\b", r"\bhammered\b", r"\bcrazy busy\b",
    r"\boverstretched\b",
    r"\bdrowning\b", r"\bburied\b", r"\bcharge de travail\b",
    r"\b(?:plate|assiette) (?:is )?(?:full|pleine)\b", r"\bfull plate\b", r"\btrop (?:sur le feu"
    r"|de (?:dossiers|sujets|choses|missions))\b",
)))
TOO_TIGHT = re.compile("|".join((
    r"\b(?:trop|un peu|bien|tres|vraiment) (?:trop )?(?:juste|serre|court)s?\b",
    r"\bdelais? (?:\w+ )?(?:trop )?courts?\b", r"\btrop (?:beaucoup )?courts?\b",
    r"\btoo (?:tight|short|soon|late)\b", r"\btrop (?:tard|tot)\b", r"\btoo early\b",
    r"\bshort notice\b", r"\bhors (?:des )?delais?\b",
    r"\btight deadline\b", r"\b(?:trop|un peu|bien|too|a bit) short\b",
    r"\bdeadline is (?:too )?(?:tight|short)\b", r"\bpas le temps\b",
)))
LEAD = re.compile("|".join((
    r"\bpilot\w*", r"\bcoordon\w*", r"\bcoordination\b", r"\bchefs? de file\b", r"\bmandataires?\b",
    r"\bporter (?:le |la |l'|notre )?(?:projet|dossier|offre|groupement|candidature|reponse"
    r"|consortium|marche|mission|coordination)\b", r"\bporteu(?:r|se)s?\b", r"\bprendre le lead\b",
    r"\blead(?:ing|er)?\b(?! ?times?\b)", r"\bcoordinat\w*", r"\bpren\w* le lead\b",
    r"\bon peut porter\b",
    r"\bon porte\b", r"\bpiloter\b",
)))
INTEREST = re.compile("|".join((
    r"\binteress\w*", r"\binterest\w*", r"\bpartant\w*", r"\bpartenaires?\b", r"\bparticip\w*",
    r"\bcontribu\w*", r"\bpartenari\w*", r"\b(?:oui|yes|ok|okay|partants?)$",
    r"\bkeen\b", r"\b(?:i'm|we're) (?:down|game)\b", r"^game\b",
    r"^(?:oui+|ouais|yes+|yep|yup|yeah|ok+|okay|oki|okok|d'accord|dac+"
    r"|d'ac+|sure|go|banco|carrement|grave|absolument|volontiers|super|top|parfait|chaud\w*"
    r"|en effet|bien sur|of course|definitely|absolutely|great|in)\b",
    r"\bok (?:pour|pr|for|go)\b", r"\bd'accord\b", r"\bon (?:est|sera) (?:la|partants?|dedans"
    r"|de la partie|ok|chauds?|in)\b", r"\bavec plaisir\b", r"\bvolontiers\b", r"\bon en est\b",
    r"\bon prend\b", r"\bca (?:nous |me )?(?:marche|va|tente|dit)\b", r"\btent\w*",
    r"\bcount (?:us|me) in\b",
    r"\b(?:we|i)(?:'re|'m| are| am) (?:in|up for it|keen|happy)\b",
    r"\b(?:we|i)(?:'d| would) (?:love|like) to\b",
    r"\bwould be (?:glad|happy|delighted|keen)\b",
    r"\bsounds (?:good|great|fine)\b", r"\b(?:happy|glad|keen) to\b", r"\blet'?s (?:do it|go)\b",
    r"\bmotive\w*", r"\bon y va\b", r"\bgo pour\b", r"\bjoin\b", r"\bhelp\b",
    r"\bwith pleasure\b", r"\bon veut bien\b", r"\b(?:on|nous|je) (?:se |nous |me )?"
    r"(?:positionn\w*|lance\w*|engag\w*|signe\w*|suit|suivons|prend|prends|prenons)\b",
    r"\bca roule\b", r"\b(?:j'en|on en|nous en) (?:suis|est|sommes|serai|sera|serons)\b",
    r"\bca (?:me |nous )?(?:branche|botte|parle|plait|interesse)\b", r"\baid(?:er|erons|e)\b",
    r"\b(?:pitch|chip) in\b", r"\bcoup de (?:main|pouce)\b", r"\bmain forte\b",
    r"\bsoutenir\b", r"\b(?:on|nous|je) (?:nous |me |se )?propos\w*", r"\bcandidat\w*",
    r"\bpostul\w*", r"\bsouhait\w* (?:participer|candidater|repondre|etre|en etre|contribuer)",
    r"\bco-?trait\w*", r"\bsous-?trait\w*", r"\ben renfort\b",
    r"\bjoin\w*\b", r"\b(?:appui|soutien|renfort)\b", r"\b(?:support\w*|back up|backing)\b",
    r"\ben (?:etre|sera|serons|suis|sommes)\b",
    r"^\+ ?1\b", r"\b(?:on|nous) (?:en )?(?:sera|serons|est|sommes)"
    r"(?: de la partie| partants?| presents?| la)?$", r"\bpresents?\b", r"\bde notre cote\b",
    r"\b(?:count on us|sign (?:us|me) up|we can (?:do it|help|take it)|i'll take it"
    r"|we'll take it|on board|up for it)\b", r"\bon repond present\b",
    r"\bca nous interesse\b", r"\bpossible\b",
    r"\bok\b", r"\bcarrement\b", r"\bpourrait\b",
)))
ABLE = re.compile(r"\b(?:on|nous|je) (?:peu[tx]|pouvons|pourr\w+)\b|\b(?:we|i) (?:can|could)\b")
CONDITION = re.compile(r"\b(?:si|s'il|if|unless|a moins qu)\b.*$")
AVAILABLE = re.compile(r"\b(?:dispo\w*|libres?|available|free)\b")
NEGATION = re.compile(r"\b(?:pas|ne|n'|non|not|no|never|jamais|aucun\w*|cannot|can'?t|won'?t"
                      r"|sans|nope|someone else|quelqu'un d'autre|un autre|une autre|another"
                      r"|other (?:member|partner|enterprise)s?|d'autres|plutot (?:un|une) autre"
                      r"|rather than|instead of|au lieu de|plutot que)\b|\bplutot\b[^,]*\bqu'"
                      r"|n'")
NO_PROBLEM = re.compile(r"\b(?:pas de (?:probleme|souci|soucis)|sans (?:probleme|souci)"
                        r"|no (?:problem|worries)|pas de pb|pourquoi pas|why not|no doubt"
                        r"|sans hesiter|sans hesitation|pas de doute)\b")
QUESTION = re.compile(r"\?\s*$")
POLITE = re.compile(r"(?:\W|_|merci\w*|desole\w*|sorry|thanks?|thank you|navre\w*|helas"
                    r"|malheureusement|unfortunately|bon courage|cordialement|bonne journee)*")
REASON = re.compile(r"(?:\b(?:car|parce que|because|since|vu)\b|:|—|\s-\s)\s*(?P<reason>.+)$")

KEYWORDS = frozenset((
    "interesses interesse interessee interessees interested interesting partants partant "
    "partante partantes partenaires disponible disponibles available volontiers piloter "
    "pilotage coordonner debordes deborde debordee debordees malheureusement impossible "
    "indisponible indisponibles personnes semaine semaines journee journees intervenants "
    "salaries consultants monday tuesday wednesday thursday friday lundi mardi mercredi jeudi "
    "vendredi janvier fevrier avril juillet septembre octobre novembre decembre carrement "
    "overloaded swamped unavailable participer contribuer mobiliser personne semaine journee "
    "interesse possible possibles dispo dispos").split())

_NUMBER_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "a": 1,
    "an": 1, "demi": 0.5, "half": 0.5, "half a": 0.5, "1/2": 0.5, "½": 0.5,
}
_NUMBER = (r"(?P<n>1/2|½|\d+(?:[.,]\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
           + ")")
_UNIT_WORDS = (
    ("halfday", r"demi[- ]?journees?|1/2 journees?|half[- ]?days?|demi[- ]?j"),
    ("person", r"personnes?|pers|salarie\w*|intervenant\w*|consultant\w*|formateurs?"
               r"|formatrices?|animat(?:eur|rice)s?"
               r"|collegues?|equipiers?|profils?|ressources?|benevoles?|people|persons?|staff"
               r"|trainers?|ppl|volunteers?|facilitators?|employees?|experts?"),
    ("day", r"jours?|journees?|jrs?|j|days?|d"),
    ("hour", r"heures?|hours?|hrs?|h"),
    ("week", r"semaines?|weeks?|sem"),
    ("month", r"mois|months?"),
    ("fte", r"etp|fte"),
)
_UNIT = "|".join(f"(?P<{name}>{words})" for name, words in _UNIT_WORDS)
_PER = (r"(?:\s*(?:par|/|a|per|an?|each|chaque|every)\s*(?P<per>semaine|sem|mois|jour|week|wk"
        r"|month|day)s?\b)?")
_CAPACITY = re.compile(rf"(?<![\w,./]){_NUMBER}\s*-?\s*(?:{_UNIT})(?!\w){_PER}")
_TEAM = re.compile(r"\b(?:une? )?(?:equipe|team|groupe|group) (?:de|of) (?P<n>\d+|deux|trois|quatre"
                   r"|cinq|two|three|four|five)\b|\b(?P<m>\d+|two|three|four|five) of us\b")
_OF_TIME = re.compile(r"\b(?:temps|time|etp|fte|charge|de (?:son|leur|notre) temps)\b")
_PERCENT = re.compile(r"(?<![\d,.])(?P<n>\d{1,3}) ?%")
_FIXED = re.compile(r"(?:\b(?:un|a|one)\s+)?(?P<fixed>mi-temps|mi temps|temps plein|plein temps"
                    r"|half[- ]time|full[- ]time|temps partiel|part[- ]time|binome|trinome)\b")
_FIXED_VALUES = {"mi-temps": Capacity(0.5, "fte"), "mi temps": Capacity(0.5, "fte"),
                 "temps plein": Capacity(1, "fte"), "plein temps": Capacity(1, "fte"),
                 "half-time": Capacity(0.5, "fte"), "half time": Capacity(0.5, "fte"),
                 "full-time": Capacity(1, "fte"), "full time": Capacity(1, "fte"),
                 "temps partiel": Capacity(0.5, "fte"), "part-time": Capacity(0.5, "fte"),
                 "part time": Capacity(0.5, "fte"), "binome": Capacity(2, "person"),
                 "trinome": Capacity(3, "person")}
_PER_UNIT = {"semaine": "week", "sem": "week", "week": "week", "wk": "week", "mois": "month",
             "month": "month", "jour": "day", "day": "day"}
_CLOCK_BEFORE = re.compile(r"(?:\b(?:a|vers|des|from|at|de|entre|between|avant|apres|before"
                           r"|after|until|jusqu'a)|[-–]|\d)\s*$")


def read_capacities(folded: str) -> tuple[list[Capacity], str]:
    """The capacities a folded answer gives ("3 personnes", "2 j/semaine", "0,5 ETP",
    "mi-temps") and the text without them; a clock time ("à 14h") is no capacity."""
    found: list[tuple[int, Capacity]] = []
    rest = folded
    for m in list(_CAPACITY.finditer(folded))[::-1]:
        unit = next(name for name, _ in _UNIT_WORDS if m.group(name))
        if unit == "hour" and (_CLOCK_BEFORE.search(folded[:m.start()])
                               or re.match(r"\s*[-–]|\d", folded[m.end():])):
            continue
        word = m.group("n")
        amount = _NUMBER_WORDS[word] if word in _NUMBER_WORDS else float(word.replace(",", "."))
        said = m.group(unit)
        if word in ("a", "an", "une", "un") and (unit not in ("halfday", "day", "person", "fte")
                                                  or len(said) < 3 and unit != "fte"):
            continue
        if word in ("a", "an") and not re.fullmatch(r"days?|half[- ]?days?|people|persons?"
                                                     r"|staff|consultants?|trainers?", said):
            continue  # English articles go with English words: "a personne" is nobody
        if word in ("a", "an") and m.start() > 0 and folded[:m.start()].rstrip().endswith(
                "half"):
            amount = 0.5
        if unit == "day" and amount == 0.5:
            unit, amount = "halfday", 1
        per = _PER_UNIT.get(m.group("per") or "")
        found.append((m.start(), Capacity(float(amount), unit, per)))
        rest = rest[:m.start()] + " " * (m.end() - m.start()) + rest[m.end():]
    for m in list(_TEAM.finditer(rest))[::-1]:
        word = m.group("n") or m.group("m")
        amount = _NUMBER_WORDS.get(word) or float(word)
        found.append((m.start(), Capacity(float(amount), "person")))
        rest = rest[:m.start()] + " " * (m.end() - m.start()) + rest[m.end():]
    timed = any(c.unit == "person" for _, c in found) or _OF_TIME.search(rest)
    for m in list(_PERCENT.finditer(rest))[::-1]:  # "une personne à 50 %", not "à 100 % !"
        if timed and 0 < int(m.group("n")) <= 100:
            found.append((m.start(), Capacity(int(m.group("n")) / 100, "fte")))
            rest = rest[:m.start()] + " " * (m.end() - m.start()) + rest[m.end():]
    for m in list(_FIXED.finditer(rest))[::-1]:
        found.append((m.start(), _FIXED_VALUES[m.group("fixed")]))
        rest = rest[:m.start()] + " " * (m.end() - m.start()) + rest[m.end():]
    return [c for _, c in sorted(found, key=lambda x: x[0])], rest
