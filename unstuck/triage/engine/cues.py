"""Hand-written cues: the phrases that explain a decision and give the models signals a small corpus lacks.

The vocabulary comes from the product brief (section 2) and general support experience, not from any
evaluation set. Each cue group matches phrases; matches are kept as the reasons shown to the agent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_NEG = r"(?:can'?t|cannot|can not|unable to|couldn'?t|won'?t|wont|doesn'?t|does not|isn'?t|is not|not able to)"

# Level cues: what the problem is. Sub-names feed the burst "topic" (same failure in many messages).
LEVEL_CUES: dict[int, dict[str, str]] = {
    1: {
        "down": r"\b(?:is|are|was|been|goes|went|seems?|looks?) (?:completely |totally |all )?down\b|\boutage\b"
        r"|\boffline\b|\b50[234]\b|bad gateway|service unavailable|\bnot (?:loading|responding) at all\b"
        r"|\bwon'?t (?:load|open|start|launch) at all\b|\bblank (?:white )?(?:page|screen)\b|\bis down\b"
        r"|\bdown for (?:everyone|anyone|me)\b|\bsite (?:is )?down\b",
        "login": rf"\b{_NEG} (?:log ?in|login|sign ?in|signin|access (?:my|our|the) (?:account|app|site|dashboard))"
        r"|\blocked out\b|\blogin (?:is )?(?:broken|failing|not working)|\b(?:hacked|compromised)\b"
        rf"|\b{_NEG} (?:get|getting) (?:in|into|back into)\b|\b(?:get|recover) (?:my|our) (?:account|email) back\b"
        r"|\brecover (?:my|our) (?:account|email)\b",
        "install": rf"\b{_NEG} (?:install|start|launch|open|boot|connect)\b|\binstall(?:ation)? fail",
        "everyone": r"\b(?:nobody|no one|none of (?:us|our \w+)|all (?:of )?(?:our|my) (?:users|staff|customers)"
        r"|entire (?:team|company|office)|whole (?:team|company|office))\b",
        "dead": r"\bnothing (?:works|is working|loads)\b|\bcompletely (?:broken|unusable|dead)\b"
        r"|\bnot working at all\b|\b(?:service|internet|connection|account) (?:is |was |has been )?"
        r"(?:cut off|disconnected|suspended|deactivated)\b|\btotally unusable\b",
        "data": r"\b(?:lost|deleted|gone|disappeared|wiped)\b.{0,30}\b(?:data|files|photos|everything|work|saves?)\b"
        r"|\bdata (?:loss|lost)\b|\ball (?:my|our) (?:data|files|photos) (?:are|is) gone\b",
    },
    2: {
        "charge": r"\b(?:charged|charge|charges|overcharged|double[- ]?charged|billed|debited|deducted)\b",
        "refund": r"\b(?:refunds?|refunded|reimburse\w*|money back|chargeback|compensation)\b",
        "payment": r"\b(?:payments?|paid|pay|transaction|transfer|top[- ]?up|withdraw\w*|deposit\w*)\b",
        "billing": r"\b(?:invoices?|billing|bill|receipt|subscription|fees?|price|pricing|exchange rate|cost)\b",
        "money": r"[$€£]\s?\d|\b\d+(?:[.,]\d\d)? ?(?:usd|eur|gbp|dollars|euros|pounds)\b|\bmoney\b|\btwice\b"
        r"|\bdeclined\b|\bpending\b|\bcard payment\b",
    },
    3: {
        "error": r"\berror\b|\bbug\b|\bglitch\w*|\bcrash\w*|\bfreez\w*|\bfroze\b|\bbroken\b|\bfault\w*",
        "fails": r"\b(?:doesn'?t|does not|isn'?t|is not|not|won'?t|stopped|keeps?) (?:work\w*|respond\w*|sync\w*"
        r"|sav\w*|load\w*|show\w*|crash\w*|updat\w*)|\bfail\w*\b|\bwrong\b",
        "delivery": r"\b(?:damaged|defective|missing|never (?:arrived|received|came)|not (?:arrived|received)"
        r"|late|delayed|wrong item)\b",
        "stuck": r"\bstuck\b|\bkeeps? (?:logging|kicking|signing) me out\b|\bnot receiving\b|\bdon'?t get\b",
    },
    4: {
        "howto": r"\bhow (?:do|can|to|would|should|does)\b|\bwhere (?:do|can|is|are|to)\b|\bwhat (?:is|are|do)\b"
        r"|\bcan i\b|\bis it possible\b|\bis there (?:a|any) way\b|\bdo you (?:have|offer|support|ship)\b",
        "setup": r"\b(?:set ?up|configure|activate|enable|change my|update my|reset my|verify|link)\b",
        "question": r"\bquestion\b|\bwondering\b|\bhelp me\b|\bneed (?:some )?help\b|\bany (?:tips|advice)\b",
    },
    5: {
        "idea": r"\b(?:suggest\w*|feature request|would be (?:great|nice|cool|awesome)|please add|wish (?:you|it)"
        r"|idea|it would be|could you add|add (?:an?|the) option)\b",
        "praise": r"\b(?:love|loving|thank you|thanks|great job|awesome|amazing|brilliant|well done|kudos|shout ?out"
        r"|best)\b",
        "partner": r"\b(?:partner\w*|sponsor\w*|collaborat\w*|affiliate|influencer|business proposal)\b",
        "opinion": r"\b(?:feedback|review|opinion|just saying|fyi|in my opinion)\b",
    },
}

# Perceived urgency: the customer's own wording.
URGENCY_CUES: dict[str, str] = {
    "urgent": r"\b(?:urgent\w*|emergency|critical|asap|a\.s\.a\.p|immediately|right now|right away"
    r"|as soon as possible|straight away|top priority|time[- ]sensitive)\b",
    "deadline": r"\b(?:deadline|by (?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|eod|noon)"
    r"|within (?:the )?(?:next )?\d+ ?(?:min\w*|hours?|hrs?)|in \d+ ?(?:min\w*|hours?|hrs?)|today|tonight"
    r"|my flight|payroll|launch\w* (?:today|tomorrow)|before (?:tomorrow|tonight|\d))\b",
    "nothing_works": r"\bnothing (?:works|is working)\b|\bcompletely (?:stuck|broken)\b|\bcan'?t work\b"
    r"|\bbusiness (?:is )?(?:down|stopped|losing)\b|\blosing (?:money|customers|sales)\b",
    "waiting": r"\bstill (?:waiting|nothing|no (?:reply|answer|response))\b|\bno (?:one|body) (?:has )?"
    r"(?:replied|answered|responded|got back)\b|\b(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time\b"
    r"|\bfor (?:days|weeks|hours)\b|\bhaven'?t heard\b|\bagain\b|\bany update\b|\bfollow(?:ing)?[- ]up\b",
    "leave": r"\b(?:cancel (?:my|our) (?:account|subscription|contract)|switch(?:ing)? to|leaving|take my business"
    r"|close my account)\b",
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


def find_cues(text: str) -> Cues:
    """Cached on the normalized text: one message is read by several models in a row (treat it as read-only)."""
    return _find_cues(normalize(text))


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
    return vector
