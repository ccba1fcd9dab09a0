"""Hand-written cues: the phrases that explain a decision and give the models signals a small corpus lacks.

The vocabulary comes from the product brief (section 2) and general support experience, not from any
evaluation set. Each cue group matches phrases; matches are kept as the reasons shown to the agent.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

_NEG = r"(?:can'?t|cannot|can not|unable to|couldn'?t|won'?t|wont|doesn'?t|does not|isn'?t|is not|not able to)"
_ACCOUNT = r"(?:account|acc|acct|profile|channel|email|e-mail|mail|inbox|id)"

# Level cues: what the problem is. Sub-names feed the burst "topic" (same failure in many messages).
LEVEL_CUES: dict[int, dict[str, str]] = {
    1: {
        "down": r"\b(?:is|are|was|been|goes|went|seems?|looks?) (?:completely |totally |all )?down\b|\boutage\b"
        r"|\boffline\b|\b50[234]\b|bad gateway|service unavailable|\bnot (?:loading|responding) at all\b"
        r"|\bwon'?t (?:load|open|start|launch) at all\b|\bblank (?:white )?(?:page|screen)\b|\bis down\b"
        r"|\bdown for (?:everyone|anyone|me)\b|\bsite (?:is )?down\b|\bservers? (?:are |is )?(?:down|offline)\b"
        r"|\b(?:no|lost) (?:signal|service|internet|connection|broadband|power|dial tone)\b"
        r"|\bservers? (?:are |is )?unavailable\b|\bblack screen\b"
        r"|\bwhat(?:'s| is) (?:going on|wrong) with (?:your|the) (?:servers?|site|app|service)"
        r"|\b(?:play|watch|load|open|stream) anything\b|\bare you down\b",
        "login": rf"\b{_NEG} (?:log ?in|login|sign ?in|signin|log on|access (?:my|our|the) (?:\w+ )?(?:account|app|site"
        r"|dashboard|email|profile))|\blocked out\b|\blogin (?:is )?(?:broken|failing|not working)"
        r"|\b(?:hacked|compromised)\b"
        rf"|\b{_NEG} (?:get|getting) (?:in|into|back into)\b|\b(?:get|recover) (?:my|our) (?:\w+ )?{_ACCOUNT} back\b"
        rf"|\brecover (?:my|our|an?) (?:old )?(?:\w+ )?{_ACCOUNT}\b|\b(?:trouble|problems?|issues?) (?:with )?"
        r"(?:logging|signing) (?:in|into)\b|\b(?:won'?t|doesn'?t|not|isn'?t) let(?:ting)? (?:me|us) (?:in|log|sign)"
        r"|\blost access\b|\b(?:forgot|forgotten|don'?t remember|can'?t remember|lost) (?:my |the )?(?:\w+ )?"
        r"(?:password|login details|username)\b|\bpassword (?:reset )?(?:doesn'?t|don'?t|isn'?t|is not|not) work"
        r"|\b(?:verification|security|2fa|otp|login) codes? (?:never|not|isn'?t|doesn'?t|don'?t) (?:arriv|com|receiv)"
        r"|\bgetting into my\b|\b(?:unable to|can'?t|cannot|struggling to|trying to|tried to) (?:reset|recover|change) "
        r"(?:my |the )?(?:\w+ )?(?:password|account)\b|\blost (?:my |the )?(?:2fa|two[- ]factor|2[- ]step|authenticator"
        r"|verification)",
        "account": rf"\b{_ACCOUNT} (?:has been |was |is |got |been )?(?:permanently )?(?:suspended|disabled|banned"
        r"|terminated|deleted|deactivated|closed|blocked|locked|frozen|stolen)\b",
        # Opening one thing inside a working product ("won't open attachments") is a defect, not an outage.
        "install": rf"\b{_NEG} (?:install|launch|boot|turn on|power on)\b|\b{_NEG} (?:start|open|load|connect)\b"
        r"(?! (?:the |my |a |an |any |to |with )?(?:attachments?|files?|documents?|photos?|pictures?|links?|maps?|menu"
        r"|tabs?|pages?|settings|chat|camera|mic|doors?|store|messages?|emails?|pdfs?|videos?|stor(?:y|ies)|folders?"
        r"|party|friends?|other|someone|people|servers? of|my friend))"
        r"|\binstall(?:ation|er)? fail|\bcrash\w* (?:on|at) (?:start ?up|launch|boot)\b|\bwon'?t (?:turn|power) on\b",
        # "Is it just me?": the customer checks whether the failure is everyone's, the mark of an outage.
        "others": r"\banyone else (?:having|getting|experienc\w*|seeing|have|with|had|can'?t|unable)\b"
        r"|\bis it just me\b|\bjust me or\b|\bfor anyone else\b|(?<!\w)#\w*(?:outage|down)\b"
        r"|\btotal (?:service )?(?:loss|outage)\b",
        "everyone": r"\b(?:nobody|no one|none of (?:us|our \w+)|all (?:of )?(?:our|my) (?:users|staff|customers)"
        r"|entire (?:team|company|office)|whole (?:team|company|office))\b",
        "dead": r"\bnothing (?:works|is working|loads|will play)\b|\bcompletely (?:broken|unusable|dead)\b"
        r"|\bnot working at all\b|\b(?:service|internet|connection|account|line|phone) (?:is |was |has been )?"
        r"(?:cut off|disconnected|suspended|deactivated)\b|\btotally unusable\b|\bdoesn'?t work at all\b",
        "data": r"\b(?:lost|deleted|gone|disappeared|wiped)\b.{0,30}\b(?:data|files|photos|everything|work|saves?)\b"
        r"|\bdata (?:loss|lost)\b|\ball (?:my|our) (?:data|files|photos) (?:are|is) gone\b"
        r"|\b(?:progress|save data|saves|world|files|photos|emails|videos|notes) (?:is |are |were |was |got |has )?"
        r"(?:been )?(?:gone|lost|wiped|deleted)\b",
    },
    2: {
        "charge": r"\b(?:charged|charge|charges|charging|overcharged|double[- ]?charged|billed|debited|deducted"
        r"|debit)\b",
        "refund": r"\b(?:refunds?|refunded|refundable|reimburse\w*|money back|chargeback|compensation|dispute)\b",
        "payment": r"\b(?:payments?|paid|pay|transaction|transfer|top[- ]?up|withdraw\w*|deposit\w*)\b",
        "billing": r"\b(?:invoices?|billing|bill|receipt|subscription|fees?|price|pricing|exchange rate|cost)\b",
        "money": r"[$€£₹]\s?\d|\b\d+(?:[.,]\d\d)? ?(?:usd|eur|gbp|dollars|euros|pounds|rs|inr)\b|\bmoney\b|\btwice\b"
        r"|\bdeclined?\b|\bdeclines\b|\bpending\b|\bcard payment\b|\bstatement\b|\bbalance\b|\bamount\b"
        r"|\bwinnings\b|\bsalary\b|\bcash\b",
        # The customer's own money in question, even when asked as a question ("where is my transfer?").
        "my_money": r"\bmy (?:\w+ )?(?:transfers?|payments?|refunds?|money|deposits?|top[- ]?ups?|statements?|balance"
        r"|withdrawals?|wallet|cashback|winnings|salary|bill|invoice|charges?|fees?|transactions?)\b",
        "paid_not_received": r"\b(?:paid|bought|purchased|charged|payment)\b.{0,80}?\b(?:never (?:got|received|arrived"
        r"|showed up|came)|didn'?t (?:get|receive)|did not (?:get|receive)|not (?:received|showing|credited|added"
        r"|there)|still (?:no|not|don'?t|haven'?t|says)|(?:isn'?t|wasn'?t|aren'?t) (?:showing|there|added))",
    },
    3: {
        "error": r"\berror\b|\bbug\w*|\bglitch\w*|\bcrash\w*|\bfreez\w*|\bfroze\b|\bbroken\b|\bfault\w*"
        r"|\blag\w*|\bdisconnect\w*|\bbuffer\w*",
        "fails": r"\b(?:doesn'?t|does not|isn'?t|is not|not|won'?t|stopped|keeps?|aren'?t|don'?t|didn'?t) (?:work\w*"
        r"|respond\w*|sync\w*|sav\w*|load\w*|show\w*|crash\w*|updat\w*|play\w*|appear\w*|count\w*|send\w*"
        r"|connect\w*)|\bfail\w*\b|\bwrong\b|\bincorrect\b",
        "delivery": r"\b(?:damaged|defective|missing|never (?:arrived|received|came)|not (?:arrived|received|delivered)"
        r"|late|delayed|wrong item|not here)\b",
        "stuck": r"\bstuck\b|\bkeeps? (?:logging|kicking|signing) me out\b|\bnot receiving\b|\bdon'?t get\b",
        # Something behaving on its own or refusing one action: a defect even when asked as a question.
        "erratic": r"\b(?:won'?t|doesn'?t|does not|isn'?t|is not|not) let(?:ting)? me (?!log|sign|in\b)\w+|\brandomly\b"
        r"|\bby (?:it|them)sel(?:f|ves)\b|\bon (?:its|their) own\b|\bfor no reason\b|\bevery (?:other )?time I\b"
        r"|\bkeeps? (?:asking|resetting|going|turning|switching|changing|showing|saying|happening|reverting|skipping"
        r"|pausing|restarting|dropping|deleting|removing|putting)\b"
        r"|\bwhat(?:'s| is) (?:going on|wrong|happening) with\b|\bhow many times\b"
        r"|\bis (?:this|it) a (?:bug|known issue)\b",
        "missing": r"\b(?:never|still (?:haven'?t|not|don'?t|didn'?t)|haven'?t|didn'?t) (?:got|get|gotten|received?"
        r"|showed up|have|arrived?)\b|\bdisappear\w*|\binstead of\b|\bwhere did my\b|\bnever showed\b"
        r"|\b(?:issues?|problems?|trouble) with\b",
    },
    4: {
        "howto": r"\bhow (?:do|can|to|would|should|does|long|much|many)\b|\bwhere (?:do|can|is|are|to)\b"
        r"|\bwhat (?:is|are|do|does|should|happens)\b|\bcan i\b|\bis it possible\b"
        r"|\bis there (?:a|any) (?:way|option)\b|\bdo you (?:have|offer|support|ship|deliver|accept)\b"
        r"|\bwhen (?:will|does|do|is|can|are)\b"
        r"|\bwhich\b|\bdo i (?:need|have to)\b|\bare you (?:open|closed)\b",
        "setup": r"\b(?:set ?up|configure|activate|enable|change my|update my|reset my|verify|link|delete my account"
        r"|cancel my order|change (?:the|my) (?:address|name|number|email|password|pin))\b",
        "question": r"\bquestion\b|\bwondering\b|\bhelp me\b|\bneed (?:some )?help\b|\bany (?:tips|advice)\b"
        r"|\btell me about\b|\bany (?:info|information|details)\b",
        "info": r"\b(?:price of|policy|timings?|opening hours|options?|available|availability|status of|order status"
        r"|track (?:my )?order|size chart|sizes|warranty|contact number|customer care|eligible|eligibility|limit)\b",
    },
    5: {
        "idea": r"\b(?:suggest\w*|feature request|would be (?:great|nice|cool|awesome)|please add|wish (?:you|it)"
        r"|idea|it would be|could you add|add (?:an?|the) option|bring back|you should|please (?:make|bring)"
        r"|any plans to|can you (?:add|make|bring))\b",
        "praise": r"\b(?:love|loving|thank you|thanks|great job|awesome|amazing|brilliant|well done|kudos|shout ?out"
        r"|best|appreciate\w*|fantastic|excellent|lovely)\b|[\u2764\U0001f44f\U0001f64c\U0001f60d\U0001f389]",
        "partner": r"\b(?:partner\w*|sponsor\w*|collaborat\w*|affiliate|influencer|business proposal|franchise"
        r"|hiring|job openings?)\b",
        "opinion": r"\b(?:feedback|review|opinion|just saying|fyi|in my opinion|honestly|tbh|imo|not a fan"
        r"|shame on (?:you|\w+)|why do you (?:keep|always))\b",
    },
}

# Perceived urgency: the customer's own wording.
URGENCY_CUES: dict[str, str] = {
    "urgent": r"\b(?:urgent\w*|emergency|critical|asap|a\.s\.a\.p|immediately|right now|right away"
    r"|as soon as possible|straight away|top priority|time[- ]sensitive)\b",
    "deadline": r"\b(?:deadline|by (?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|eod|noon)"
    r"|within (?:the )?(?:next )?\d+ ?(?:min\w*|hours?|hrs?)|in \d+ ?(?:min\w*|hours?|hrs?)"
    r"|my flight (?:is|leaves|departs) (?:today|tonight|tomorrow|in)|payroll|launch\w* (?:today|tomorrow)"
    r"|before (?:tomorrow|tonight|\d)|need (?:it|this|them) (?:today|tonight|by))\b",
    "nothing_works": r"\bnothing (?:works|is working)\b|\bcompletely (?:stuck|broken)\b|\bcan'?t work\b"
    r"|\bbusiness (?:is )?(?:down|stopped|losing)\b|\blosing (?:money|customers|sales)\b",
    "waiting": r"\bstill (?:waiting|nothing|no (?:reply|answer|response))\b|\bno (?:one|body) (?:has )?"
    r"(?:replied|answered|responded|got back)\b|\b(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time\b"
    r"|\bhaven'?t heard\b|\b(?:emailed|called|messaged|contacted|tried) (?:you )?(?:\d+|several|many|multiple"
    r"|so many) times\b",
    "leave": r"\b(?:cancel (?:my|our) (?:account|contract)|take my business|close my account|(?:i'?m|i am|we'?re"
    r"|we are) (?:leaving|switching)|switching to (?:another|a different)|never (?:using|buying|shopping|ordering)"
    r"|done with (?:you|y'?all)|find (?:another|a new) (?:bank|provider|company|network))\b",
    # Weak on their own: they only add to other signals.
    "soon": r"\b(?:today|tonight|tomorrow|this morning)\b",
    "repeat": r"\bagain\b|\bany update\b|\bfollow(?:ing)?[- ]up\b|\bfor (?:days|weeks|hours)\b",
}
# How much each group alone says "urgent" (0.5 is the line); the model can tip a borderline case.
URGENCY_WEIGHTS: dict[str, float] = {
    "urgent": 1.0,
    "nothing_works": 1.0,
    "deadline": 0.5,
    "waiting": 0.5,
    "leave": 0.5,
    "soon": 0.2,
    "repeat": 0.2,
}

# Temperature: how the customer feels beyond what VADER scores.
TEMPERATURE_CUES: dict[str, str] = {
    "frustrated": r"\b(?:frustrat\w*|annoy\w*|disappoint\w*|unacceptable|ridiculous|fed up|sick of|tired of"
    r"|seriously|come on|really\?|not happy|unhappy|upset|terrible|awful|horrible|poor service|waste of"
    r"|so bad|every (?:single )?time|yet again|sick and tired|how hard is it|why is it so|no help)\b"
    "|[\U0001f926\U0001f644\U0001f612\U0001f611\U0001f62b\U0001f629\U0001f62d\U0001f61e\U0001f620]",
    "angry": r"\b(?:angry|furious|livid|outraged|pissed|disgust\w*|appalling|pathetic|useless|incompetent"
    r"|joke|scam\w*|fraud\w*|thie(?:f|ves)|rip[- ]?off|worst|garbage|trash|clowns?|idiots?|morons?"
    r"|shame on you)\b|[\U0001F621\U0001F92C\U0001F624\U0001F595]",
    "profanity": r"\b(?:f+u+c+k\w*|wtf|shit\w*|crap\w*|damn\w*|hell|bs|bullshit|ass(?:hole)?s?|bloody|screw you)\b",
    "threat": r"\b(?:sue|lawyer|legal action|court|report (?:you|this)|bbb|ombudsman|go public|tell everyone"
    r"|never (?:again|buy|use)|chargeback)\b",
}


def _compile(patterns: dict[str, str]) -> dict[str, re.Pattern[str]]:
    return {name: re.compile(pattern, re.IGNORECASE) for name, pattern in patterns.items()}


_LEVEL = {level: _compile(groups) for level, groups in LEVEL_CUES.items()}
_URGENCY = _compile(URGENCY_CUES)
_TEMPERATURE = _compile(TEMPERATURE_CUES)
_WORD = re.compile(r"[A-Za-z]{3,}")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_HANDLE = re.compile(r"(?<!\w)@\w+|https?://\S+|\bwww\.\S+")


# Triage reads the start of a message: a long email with quoted history costs the same as a short one.
MAX_CHARS = 2000


def normalize(text: str) -> str:
    """Straight quotes, so a typographic apostrophe cannot hide "can't"; @handles and links carry no meaning."""
    text = text[:MAX_CHARS].translate(_QUOTES).replace("&amp;", "&").replace("&gt;", ">").replace("&lt;", "<")
    return _HANDLE.sub(" ", text).strip()


_REPEAT_PUNCT = re.compile(r"[!?]{2,}")
_TOKENS = re.compile(r"[A-Za-z0-9']+")
_OPENINGS = {
    **dict.fromkeys(("how", "what", "where", "when", "which", "who", "whats", "what's"), "wh"),
    "why": "why",
    **dict.fromkeys(
        ("can", "could", "is", "are", "do", "does", "will", "would", "should", "did", "have", "has", "am", "may"), "aux"
    ),
}
_GREETING = frozenset(("hi", "hello", "hey", "hiya", "dear", "good", "morning", "afternoon", "evening", "ok", "so"))
_FIRST_PERSON = frozenset(("i", "my", "me", "we", "our", "us", "i'm", "im", "i've", "ive", "mine"))
_NEGATION = re.compile(rf"{_NEG}|\b(?:not|never|no|nothing|don'?t|didn'?t|haven'?t|hasn'?t|aren'?t|wasn'?t)\b", re.I)
_HASHTAG = re.compile(r"(?<!\w)#\w+")


@dataclass
class Cues:
    """Every cue found in one message, with the matched phrases kept as reasons."""

    level: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    urgency: dict[str, list[str]] = field(default_factory=dict)
    temperature: dict[str, list[str]] = field(default_factory=dict)
    caps_ratio: float = 0.0
    shouting: bool = False
    exclamations: int = 0
    repeated_punct: int = 0
    # The shape of the message: a terse question reads as guidance, a first-person negation as a problem.
    n_words: int = 0
    question: bool = False
    opening: str = ""  # "wh", "why", "aux" (can/is/do...) or ""
    first_person: bool = False
    negations: int = 0
    hashtags: int = 0

    def level_phrases(self, level: int, limit: int = 4) -> list[str]:
        return _first(self.level.get(level, {}), limit)

    def topics(self) -> list[str]:
        """Failure sub-cues (outage and defect) name the topic that a burst of similar messages shares."""
        return sorted(f"{level}:{name}" for level in (1, 3) for name in self.level.get(level, {}))


def _first(groups: dict[str, list[str]], limit: int) -> list[str]:
    phrases: list[str] = []
    for found in groups.values():
        for phrase in found:
            if phrase not in phrases:
                phrases.append(phrase)
    return phrases[:limit]


def _matches(patterns: dict[str, re.Pattern[str]], text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, pattern in patterns.items():
        hits = [m.group(0).strip().lower() for m in pattern.finditer(text)]
        if hits:
            found[name] = list(dict.fromkeys(hits))[:3]
    return found


_training_memo: dict[str, Cues] | None = None


@contextlib.contextmanager
def remembered() -> Iterator[None]:
    """While a model trains, each text's cues are found once: three models read the same thousands of texts,
    which a 512-entry cache cannot hold (training the starter set found cues 30,000 times: 16 of its 42 s)."""
    global _training_memo
    outer = _training_memo
    if outer is None:
        _training_memo = {}
    try:
        yield
    finally:
        if outer is None:
            _training_memo = None


def find_cues(text: str) -> Cues:
    """Cached on the normalized text: one message is read by several models in a row (treat it as read-only)."""
    key = normalize(text)
    memo = _training_memo
    if memo is None:
        return _find_cues(key)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _find_cues.__wrapped__(key)
    return found


@lru_cache(maxsize=512)
def _find_cues(text: str) -> Cues:
    cues = Cues()
    for level, patterns in _LEVEL.items():
        found = _matches(patterns, text)
        if found:
            cues.level[level] = found
    cues.urgency = _matches(_URGENCY, text)
    cues.temperature = _matches(_TEMPERATURE, text)
    words = _WORD.findall(text)
    caps = [w for w in words if w.isupper() and len(w) >= 3 and w not in {"ATM", "USD", "EUR", "GBP", "PIN", "API"}]
    cues.caps_ratio = len(caps) / len(words) if words else 0.0
    cues.shouting = len(caps) >= 3 and cues.caps_ratio >= 0.3
    cues.exclamations = text.count("!")
    cues.repeated_punct = len(_REPEAT_PUNCT.findall(text))
    tokens = [t.lower() for t in _TOKENS.findall(text)]
    cues.n_words = len(tokens)
    cues.question = "?" in text
    first = next((t for t in tokens if t not in _GREETING), "")
    cues.opening = _OPENINGS.get(first, "")
    cues.first_person = any(t in _FIRST_PERSON for t in tokens)
    cues.negations = len(_NEGATION.findall(text))
    cues.hashtags = len(_HASHTAG.findall(text))
    return cues


LEVEL_CUE_NAMES = [(level, name) for level, groups in LEVEL_CUES.items() for name in groups]
URGENCY_NAMES = list(URGENCY_CUES)
TEMPERATURE_NAMES = list(TEMPERATURE_CUES)


def cue_vector(cues: Cues) -> list[float]:
    """Dense cue features for the linear models: one per cue group, plus shape signals."""
    vector = [min(len(cues.level.get(level, {}).get(name, [])), 2) / 2 for level, name in LEVEL_CUE_NAMES]
    vector += [float(len(cues.level.get(level, {})) > 0) for level in (1, 2, 3, 4, 5)]
    vector += [float(name in cues.urgency) for name in URGENCY_NAMES]
    vector += [float(name in cues.temperature) for name in TEMPERATURE_NAMES]
    vector += [
        cues.caps_ratio,
        float(cues.shouting),
        min(cues.exclamations, 5) / 5,
        min(cues.repeated_punct, 3) / 3,
    ]
    vector += [
        float(cues.n_words <= 3),
        float(cues.n_words <= 8),
        float(cues.n_words > 40),
        float(cues.question),
        float(cues.opening == "wh"),
        float(cues.opening == "why"),
        float(cues.opening == "aux"),
        float(cues.first_person),
        min(cues.negations, 3) / 3,
        float(cues.hashtags > 0),
        # No cue of any level: a bare noun phrase typed into a chatbot ("delivery time", "sizes").
        float(not cues.level),
    ]
    # Conjunctions a linear model cannot form itself: a question about a described failure is that failure's
    # level ("how do I log in when the code never comes?"), a question with no failure is guidance, and a
    # remark that neither asks nor reports anything is feedback.
    asks = cues.question or cues.opening in ("wh", "aux") or 4 in cues.level
    failure = 1 in cues.level or 3 in cues.level
    money = 2 in cues.level
    vector += [
        float(asks and failure),
        float(asks and money),
        float(asks and not failure and not money),
        float(not asks and not failure and not money),
        float(cues.first_person and cues.negations > 0),
        float(5 in cues.level and not failure and not money and not asks),
    ]
    return vector
