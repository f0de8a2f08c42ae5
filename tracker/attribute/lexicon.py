"""Word classes attribution is built from: speech and act verbs with all their forms,
position nouns, titles, honorifics, and what a personal name looks like.

Nothing here is keyed to any page: these are the classes of English reporting verbs
(say, warn, insist ...), verbs that declare a position by an act (propose, sign, rule
out ...), nouns that carry one ("X's plan", "a call by X"), and the titles news copy puts
before a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _words(text: str) -> list[str]:
    return text.split()


# Verbs of saying, thinking aloud and stance-taking in speech.
SPEECH_LEMMAS = _words(
    "say tell warn insist add argue claim declare suggest write post tweet confirm deny "
    "reject accuse describe believe want explain acknowledge admit announce reiterate "
    "repeat stress emphasise emphasize underline underscore note observe remark comment "
    "state assert contend maintain reaffirm affirm assure reply respond answer ask appeal "
    "urge press push demand dismiss express signal hint threaten promise vow pledge welcome "
    "criticise criticize condemn predict question expect hope caution concede conclude "
    "recall reveal disclose indicate voice echo complain lament boast joke quip speak brief "
    "testify think feel agree disagree counter retort rebuff slam blast brand label dub "
    "praise thank insist charge allege estimate forecast clarify concur reckon wonder muse "
    "reason mention announce object protest decry deplore denounce characterise "
    "characterize chide scold plead implore encourage advise recommend favour favor oppose "
    "support back endorse seek refuse decline position commend congratulate hail applaud "
    "salute"
)
SPEECH_PHRASES = (
    "rule out",
    "call for",
    "call on",
    "call upon",
    "push for",
    "press for",
    "make clear",
    "make it clear",
    "cast doubt",
    "set out",
    "lay out",
    "spell out",
    "hit out",
    "hit back",
    "fire back",
    "push back",
    "lash out",
    "speak out",
    "weigh in",
    "go on",
    "point out",
    "play down",
    "shrug off",
    "put forward",
    "raise the prospect",
    "raise the possibility",
    "open the door",
    "pour cold water",
    "double down",
    "doubled down",
)
# Verbs that declare a position by doing something rather than saying it.
ACT_LEMMAS = _words(
    "propose offer order sign veto approve introduce table submit present unveil promote "
    "advocate champion require stipulate block resist float outline raise commit decide "
    "authorise authorize instruct direct demand pledge initiate draft adopt ratify push "
    "lobby campaign prioritise prioritize condition invite refuse"
)
ACT_PHRASES = ("turn down", "sign off", "hold out", "work to", "work towards", "work on")

_IRREGULAR = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "writing", "written"),
    "speak": ("speak", "speaks", "spoke", "speaking", "spoken"),
    "think": ("think", "thinks", "thought", "thinking"),
    "seek": ("seek", "seeks", "sought", "seeking"),
    "make": ("make", "makes", "made", "making"),
    "go": ("go", "goes", "went", "going"),
    "set": ("set", "sets", "setting"),
    "put": ("put", "puts", "putting"),
    "hit": ("hit", "hits", "hitting"),
    "fire": ("fire", "fires", "fired", "firing"),
    "cast": ("cast", "casts", "casting"),
    "lay": ("lay", "lays", "laid", "laying"),
    "feel": ("feel", "feels", "felt", "feeling"),
    "spell": ("spell", "spells", "spelled", "spelt", "spelling"),
    "hold": ("hold", "holds", "held", "holding"),
    "step": ("step", "steps", "stepped", "stepping"),
    "shrug": ("shrug", "shrugs", "shrugged", "shrugging"),
    "double": ("double", "doubles", "doubled", "doubling"),
    "pour": ("pour", "pours", "poured", "pouring"),
    "open": ("open", "opens", "opened", "opening"),
    "plead": ("plead", "pleads", "pleaded", "pled", "pleading"),
}
# Regular verbs that double their last consonant ("signalled", "admitting").
_DOUBLING = {"signal", "label", "admit", "commit", "rebut", "veto", "counsel", "quip"}


def verb_forms(lemma: str) -> set[str]:
    """All inflected forms of a verb or phrasal verb ("rule out" -> "ruled out", ...)."""
    head, _, rest = lemma.partition(" ")
    tail = f" {rest}" if rest else ""
    if head in _IRREGULAR:
        forms = set(_IRREGULAR[head])
    else:
        forms = {head}
        if head.endswith(("s", "sh", "ch", "x", "z", "o")):
            forms.add(head + "es")
        elif head.endswith("y") and head[-2:-1] not in "aeiou":
            forms.add(head[:-1] + "ies")
        else:
            forms.add(head + "s")
        if head.endswith("e"):
            forms |= {head + "d", head[:-1] + "ing"}
        elif head.endswith("y") and head[-2:-1] not in "aeiou":
            forms |= {head[:-1] + "ied", head + "ing"}
        else:
            forms |= {head + "ed", head + "ing"}
        if head in _DOUBLING:
            forms |= {head + head[-1] + "ed", head + head[-1] + "ing"}
    return {form + tail for form in forms}


def _alternation(words: Iterable[str]) -> str:
    ordered = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in ordered) + ")"


def _all_forms(lemmas: Iterable[str]) -> set[str]:
    forms: set[str] = set()
    for lemma in lemmas:
        forms |= verb_forms(lemma)
    return forms


_SPEECH_FORMS = _all_forms((*SPEECH_LEMMAS, *SPEECH_PHRASES))
_ACT_FORMS = _all_forms((*ACT_LEMMAS, *ACT_PHRASES)) - _SPEECH_FORMS
# "continues to delay" is an action; "he continues" (after a quote) is speech. "called"
# alone is a phone call; "called for/on" and "called it/the plan ..." are speech.
SPEECH_VERB = (
    rf"(?:{_alternation(_SPEECH_FORMS)}(?![\w-])"
    r"|(?:continues|continued|concludes|concluded)(?!\s+to\b)"
    r"|(?:calls|called|calling)(?=\s+(?:it|this|that|them|the\s+\w+\s+(?:a|an)\b)))"
)
ACT_VERB = rf"(?:{_alternation(_ACT_FORMS)}(?![\w-]))"
ANY_VERB = rf"(?:{SPEECH_VERB}|{ACT_VERB})"
# Finite forms that can stand before their subject: '"...", said X', 'argued X'.
# Verbs that stand before their subject in reporting: '"...", said X', "argued X".
_INVERSION_LEMMAS = _words(
    "say add warn insist argue write note stress explain continue ask reply declare claim "
    "admit concede recall suggest observe remark respond comment tweet post state conclude "
    "acknowledge announce urge caution emphasise emphasize counter retort quip joke predict "
    "promise vow pledge complain lament boast muse reason reckon confirm"
)
INVERTED_VERB = _alternation(
    form
    for form in _all_forms(_INVERSION_LEMMAS)
    if form.endswith(("ed", "d", "s")) or form in {"wrote", "went on"}
)
# Participles that make the agent the speaker in a passive: "was urged by X".
PASSIVE_PARTICIPLE = _alternation(
    form
    for form in _SPEECH_FORMS | _ACT_FORMS
    if form.split()[0].endswith(("ed", "d", "en", "t")) and form.split()[0] not in {"said", "told"}
)

# Nouns that carry the position of their owner: "X's plan", "a proposal by X".
_NOUNS = (
    "plan plans proposal proposals call calls offer offers idea initiative demand demands "
    "pledge pledges promise promises vow warning warnings threat threats suggestion push bid "
    "insistence refusal rejection remarks comments comment statement statements words formula "
    "vision conditions terms ultimatum appeal appeals proposition framework blueprint roadmap "
    "road-map decision decree order request requests announcement"
)
POSITION_NOUNS = _alternation([*_words(_NOUNS), "message", "messages"])
# After a possessive the noun must name something said or proposed ("X's plan"), not a
# description of the person ("X's position", "X's message to the West seems to be").
OWNED_NOUNS = _alternation(_words(_NOUNS))
# Owners through whom a person declares a position ("Meloni's office says").
OFFICE_WORDS = r"(?:office|press\s+office|press\s+service|spokesman|spokeswoman|spokesperson)"

HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Prof|Professor)\.?"
# Title words that news copy puts before a name (case-insensitive unless capitalised).
TITLE_NOUNS = (
    "president",
    "vice-president",
    "vice president",
    "president-elect",
    "prime minister",
    "premier",
    "chancellor",
    "minister",
    "ministers",
    "secretary",
    "secretary-general",
    "secretary general",
    "commissioner",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "press secretary",
    "senator",
    "senators",
    "sen.",
    "representative",
    "representatives",
    "rep.",
    "congressman",
    "congresswoman",
    "speaker",
    "ambassador",
    "envoy",
    "special envoy",
    "king",
    "queen",
    "pope",
    "general",
    "gen.",
    "admiral",
    "governor",
    "mayor",
    "leader",
    "chief",
    "head",
    "mp",
    "mep",
    "adviser",
    "advisor",
    "aide",
    "official",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "co-chair",
    "deputy",
    "lawmaker",
    "legislator",
    "diplomat",
    "commander",
    "negotiator",
    "fm",
    "pm",
    "chief of staff",
    "member",
)
TITLE = _alternation(TITLE_NOUNS)
# Roles whose holders give their own view, not a leader's position.
COMMENTATOR = re.compile(
    r"\b(?:analyst|expert|professor|researcher|fellow|scholar|correspondent|editor|reporter|"
    r"journalist|columnist|commentator|presenter|anchor|host of|historian|economist|"
    r"strategist|pollster|blogger|writer|author|academic|lecturer|scientist|think[- ]tank|"
    r"institute)s?\b",
    re.I,
)

NAME_WORD = r"(?:(?:(?:Mc|Mac|De|O'|D')(?=[A-Z]))?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
_PARTICLE = r"(?:von|van|der|den|de|du|da|di|al|el|bin|ter|le|la|dos|del)"
FULL_NAME = rf"(?:{NAME_WORD}(?:\s(?:{_PARTICLE}\s){{0,2}}{NAME_WORD}){{1,2}})"
# Capitalised words that start no personal name.
NOT_NAME_WORDS = frozenset(
    _words(
        "The A An In On At Of For And But If As It This That These Those He She They We I His "
        "Her Their Our My Its Mr Mrs Ms Dr Sir Lord Lady Prof Professor Dame President Prime "
        "Minister Foreign Defence Defense Secretary Chancellor Senator Sen Rep Ukraine Russia "
        "Europe Nato NATO Kyiv Kiev Moscow Washington London Paris Brussels Berlin Rome Warsaw "
        "Beijing Ankara Geneva Istanbul Riyadh Jeddah Alaska Crimea Donbas Donbass Kursk "
        "Kharkiv Odesa Odessa Mariupol Bakhmut Zaporizhzhia Kherson EU UK US USA UN G7 G20 "
        "Ukrainian Russian European American British French German Italian Polish Chinese "
        "Turkish Dutch Belgian Danish Finnish Swedish Norwegian Spanish Hungarian Slovak Czech "
        "Estonian Latvian Lithuanian Canadian Japanese Indian Israeli Western Eastern Northern "
        "Southern Soviet Kremlin White Downing Security State National International United "
        "Republican Democrat Democratic Labour Conservative Tory Liberal Green Reform Sunday "
        "Times Post News Sky Reuters Associated Press BBC CNN Fox Bloomberg Guardian Telegraph "
        "Tass Ria Interfax Ukrinform Euronews Politico Axios Truth Social Telegram Twitter "
        "Facebook Instagram X Live Breaking Latest Update Summary Image Getty Video Watch Read "
        "More Key Points Analysis Comment Opinion Congress Senate House Parliament Council "
        "Commission Committee Ministry Office Army Navy Air Force Forces Pentagon Operation "
        "Coalition Willing Alliance Union Group Party Bank Fund Act Treaty Plan Peace Summit "
        "Conference Forum God Christmas Easter North South East West Central Black Sea Baltic "
        "Arctic Atlantic January February March April May June July August September October "
        "November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today "
        "Yesterday Tonight Meanwhile However Asked Speaking Writing According Despite After "
        "Before While When Since Although Though Still Yet Also Then Now Here There What Who "
        "Why How Where So Yes No Well Thus Even Only Just Both All Some Many Most Such Every "
        "Each Other Another Any Your Please Thank Let Dear Allies Leaders Officials Lawmakers "
        "Sources Congressional Chemical Countering Old New Great Grand Supreme Federal Royal "
        "Saudi Sri Hong Latin Middle Far Near"
    )
)
# Capitalised words that end organisations and places, not people.
NOT_NAME_ENDINGS = frozenset(
    _words(
        "Street House Office Ministry Department Council Commission Committee Parliament "
        "Congress Senate Assembly Duma Rada Kremlin Government Administration Agency Service "
        "Services Forces Force Army Navy Command Staff Pentagon Institute Bank Fund Group Party "
        "Union Nations Alliance Coalition Summit Conference Forum News Times Post Journal "
        "Telegraph Guardian Press Radio Television Channel Network Online Today Weekly Daily "
        "Review Foundation Center Centre University College School Court Tribunal Treaty Act "
        "Bill Plan Accord Agreement Deal Initiative Formula Corridor Republic Federation "
        "Kingdom States Union Region Oblast Square Palace Hall Airport Station Sea Ocean River "
        "Island Islands Peninsula Mountains Media Company Corporation Energy Oil Gas Group "
        "Cross Continent Caucus Convention Disinformation Pravda View Watch Read Live More "
        "Image Photo Video Gazette Herald Tribune Monitor Observer Express Mail Mirror "
        "Independent Examiner Insider Intelligence Affairs Relations Defence Defense Security "
        "Strategy Studies Policy Report Magazine Economist Organization Organisation "
        "Association Society Movement Front League Brigade Battalion Regiment Division Guard "
        "Corps Inc Ltd Airlines Programme Program Project Mission Campaign Bureau Secretariat "
        "Board Authority Directorate Figaro Monde Spiegel Zeitung Izvestia Arabia Korea "
        "Zealand Africa Lanka Kong Coast Emirates Herzegovina Rica Salvador Guinea Leone "
        "Sudan Ossetia Abkhazia Transnistria Caucasus Asia America Americas"
    )
)


def looks_like_person(name: str) -> bool:
    """A capitalised run of words that can be a personal name (not a place or body)."""
    words = name.split()
    if len(words) < 2:
        return False
    if words[0] in NOT_NAME_WORDS or words[-1] in NOT_NAME_WORDS:
        return False
    if words[-1] in NOT_NAME_ENDINGS or any(w in NOT_NAME_ENDINGS for w in words[1:]):
        return False
    return not any(word.isupper() and len(word) > 1 for word in words)


# ---- patterns around a mention ----------------------------------------------------------

_AUX_WORD = (
    r"has|have|had|will|would|could|should|may|might|must|can|did|does|do|is|are|was|were|"
    r"been|being|be|also|again|previously|repeatedly|reportedly|later|earlier|then|once|"
    r"already|now|today|yesterday|tonight|still|even|further|first|just|long|always|never|"
    r"not|too|himself|herself|personally|separately|however|meanwhile|instead|ultimately|"
    r"finally|indeed|so far|(?:on|in|at|during) (?:a|an|the|his|her|its|their) \w+(?: \w+)?|"
    r"(?:on|in|at) [A-Z]\w+|"
    r"(?:earlier|later|last|this|next) (?:week|month|year|morning|afternoon|evening|night)|"
    r"[a-z]+ly|(?:begins|began|starts|started|ends|ended|opens|opened) by|,"
)
AUX = rf"(?:(?:{_AUX_WORD})\s+){{0,5}}"
# Words that may stand between a verb and the name it introduces: titles, honorifics,
# capitalised words ("said Swedish Prime Minister Anna Berg").
TITLEISH = (
    rf"(?:(?:[A-Z][\w.'-]*|{TITLE}|{HONORIFIC}|of|for|to|the|and|foreign|defence|defense|"
    rf"government|presidential|deputy|senior|top|special|security|national|policy|"
    rf"state|affairs)\s+){{0,8}}"
)
_PARENTHETICAL = r"(?:\s*\([^()]{1,40}\))?"
# An apposition holds no finite verb of its own (", Berg dismissed it," is a clause).
_FINITE = _alternation(
    form
    for form in _SPEECH_FORMS | _ACT_FORMS
    if form.split()[0].endswith(("ed", "s")) or form.split()[0] in {"said", "told", "wrote"}
)
_APPOSITION = rf"(?:,(?![^,\"]*\b{_FINITE}\b)[^,\"]{{1,100}},)?"
VERB_AFTER_SUBJECT = re.compile(
    rf"^(?:'s?\s+(?P<owner>{OFFICE_WORDS}|aide|adviser|advisor|envoy|government|team|camp|"
    rf"allies|administration|officials?|ministry|party|lawyers?|son|daughter|wife|husband)\b)?"
    rf"{_PARENTHETICAL}{_APPOSITION}\s*(?:,?\s*who\s+)?{AUX}"
    rf"(?:(?P<speech>{SPEECH_VERB})|(?P<act>{ACT_VERB}))"
)
# '"...", said X' / "..., argued X" / "according to X"
# What follows an inverted subject: the end of the clause, not a clause of its own
# ("said Berg's plan would ..." is a complement clause, not '"...", said Berg').
INVERTED_AFTER = re.compile(
    r"^(?!'s?\b)(?:\s*\([^()]{1,40}\))?\s*(?:[,.;:!?\"'-]|$|(?:in|on|at|during|after|before|"
    r"to|from|"
    r"of|while|when|as|adding|saying|who|last|this|earlier|later|yesterday|today|tonight|"
    r"recently|[A-Z][a-z]+day)\b)"
)
VERB_BEFORE_SUBJECT = re.compile(
    rf"(?:(?:^|[,\"'-])\s*(?P<verb>{INVERTED_VERB})|\b[Aa]ccording\s+to)\s+{TITLEISH}$"
)
# What may stand between a participle and its agent: "urged earlier by", "made on Monday by".
_ADVERBIAL = r"(?:(?:[a-z]+ly|earlier|later|again|also|first|once|on\s+\w+|last\s+\w+)\s+){0,2}"
PASSIVE = re.compile(r"\b(?:been|was|were|is|are|being|be)\s+(?:\w+\s+)?$")
PASSIVE_AGENT = re.compile(
    rf"\b(?:{PASSIVE_PARTICIPLE}|made|voiced|echoed|raised|put\s+forward|set\s+out|"
    rf"laid\s+out|tabled|floated)\s+{_ADVERBIAL}by\s+{TITLEISH}$"
)
NOMINAL_BEFORE = re.compile(
    rf"\b(?P<noun>(?:an?|the|this|that|his|her|its|their)\s+(?:[\w-]+\s+){{0,2}}?"
    rf"{POSITION_NOUNS})\s+(?:[a-z-]+\s+){{0,2}}?(?:by|from)\s+{TITLEISH}$"
)
NOMINAL_AFTER = re.compile(rf"^'s?\s+(?:[\w-]+\s+){{0,2}}?{OWNED_NOUNS}\b")
# "criticised X for saying ...": X said it.
FOR_SAYING = re.compile(
    rf"^\s+(?:for|over|after)\s+(?:(?:his|her|their)\s+)?(?:{SPEECH_VERB}|comments|remarks|"
    rf"statement|words|suggestion|claims?|calls?)\b"
)
# "quoted X as saying ...": X said it.
AS_SAYING = re.compile(
    r"^\s+as\s+(?:saying|telling|writing|warning|stating|arguing|insisting|claiming|adding)\b"
)
# "X: ..." or "X on frozen assets: ..." at the start of a line or headline.
COLON_AFTER = re.compile(r"^(?:\s+on\s+[^:.\"]{1,80})?:\s*\S")
COLON_BEFORE = re.compile(rf"^\s*[\"']?{TITLEISH}$")
# An object position: the mention is what someone else acts on.
POSSESSIVE_AIDE = re.compile(
    r"^'s?\s+(?:aide|adviser|advisor|envoy|government|team|camp|allies|administration|"
    r"officials?|ministry|party|lawyers?|son|daughter|wife|husband)\b"
)
SUBJECT_SLOT = re.compile(
    r"(?:^|[,;:(]|\b(?:and|but|while|as|whereas|when|after|before|because|since|although|"
    r"though|if|that|who|with|so|or|then|said|says|say|saying|added|adding|warned|insisted|"
    r"noted|stressed|explained|believes|believed|thinks|thought)|\btold\s+\w+)\s*[\"']?\s*$"
)
_TRAILING_TITLEISH = re.compile(rf"(?:\b{TITLEISH})$")


def in_subject_slot(before: str) -> bool:
    """Whether a name right after `before` can be the subject of a new clause."""
    trimmed = _TRAILING_TITLEISH.sub("", before.rstrip() + " ").rstrip()
    return SUBJECT_SLOT.search(trimmed) is not None
