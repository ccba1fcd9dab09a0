"""Check that desk.json, the Fernhill demo desk, keeps the rules it was written to.

Standalone on purpose (no Django): run `python3 unstuck/demo/check_desk.py` from the repository root.
It prints one summary line and exits 0, or lists every broken rule and exits 1.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

DESK_FILE = Path(__file__).with_name("desk.json")

TARGET_LEVELS = {1: 15, 2: 45, 3: 60, 4: 55, 5: 25}
TARGET_CHANNELS = {"email": 110, "chat": 40, "web": 30, "api": 20}
TARGET_STATUSES = {"new": 25, "open": 70, "waiting_customer": 30, "waiting_third_party": 15, "solved": 45, "closed": 15}
TOLERANCE = 0.20

# Update cadence per level, in minutes (calendar time; business days are not modelled here).
CADENCE = {1: 30, 2: 4 * 60, 3: 24 * 60, 4: 2 * 24 * 60}
THIRTY_DAYS = 30 * 24 * 60
THREE_DAYS = 3 * 24 * 60
SEVEN_DAYS = 7 * 24 * 60

# The fictional companies the desk may be waiting on.
THIRD_PARTIES = ("PayRail", "Ledgerly", "Shopwise", "Cloudpost", "FileRight", "Paysmith", "Inkscan", "Hooklet")
STOCK_PHRASES = (
    "sorry for the inconvenience",
    "apologies for any inconvenience",
    "we appreciate your patience",
    "thank you for your patience",
    "as per my last email",
    "we appreciate your due diligence",
)
EMAIL_DOMAINS = {"example.com", "example.org", "example.net", "fernhill.example"}
PHONE = re.compile(r"^\+44 7700 900\d{3}$|^\+1 \d{3} 555 01\d{2}$")
HANDLE = re.compile(r"^@[a-z0-9_]{2,30}$")
EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")

CONVERSATION_KEYS = {
    "customer",
    "subject",
    "channel",
    "level",
    "category",
    "status",
    "owner",
    "next_step",
    "temperature",
    "perceived_urgency",
    "messages",
}

errors: list[str] = []


def check(condition: bool, message: str) -> bool:
    if not condition:
        errors.append(message)
    return condition


def within(actual: int, target: int, tolerance: float = TOLERANCE) -> bool:
    return target * (1 - tolerance) <= actual <= target * (1 + tolerance)


def normalized(kind: str, value: str) -> str:
    """The same spelling rules the app applies, so 'unique' means unique after storage."""
    if kind == "phone":
        return "+" + re.sub(r"\D", "", value)
    if kind in ("email", "handle"):
        return value.strip().lower()
    return value.strip()


def last_exchange(messages: list[dict]) -> int:
    """Minutes since the last reply or customer message (notes do not count)."""
    return min(m["minutes_ago"] for m in messages if m["kind"] != "note")


def last_heard(messages: list[dict]) -> int:
    """Minutes since the customer last heard from a person on our side (the product's "last heard" clock)."""
    return min((m["minutes_ago"] for m in messages if m["kind"] == "reply"), default=THIRTY_DAYS)


def check_people(desk: dict) -> tuple[set[str], set[str], set[str]]:
    check(
        desk.get("company") == {"name": "Fernhill", "support_email": "support@fernhill.example"},
        "company block is wrong",
    )
    team_names = [t["name"] for t in desk["teams"]]
    check(
        team_names == ["Billing", "Technical", "Success"], f"teams should be Billing, Technical, Success: {team_names}"
    )

    agents = desk["agents"]
    usernames = {a["username"] for a in agents}
    check(len(agents) == 5 and len(usernames) == 5, "exactly 5 agents with distinct usernames")
    roles = {a["username"]: a["role"] for a in agents}
    check(roles.get("admin") == "admin", "agent 'admin' must have role admin")
    check(roles.get("lead") == "lead", "agent 'lead' must have role lead")
    for a in agents:
        check(a["email"].endswith("@fernhill.example"), f"agent {a['username']}: email must be @fernhill.example")
        check(set(a["teams"]) <= set(team_names) and a["teams"], f"agent {a['username']}: unknown or no teams")
        if a["username"] not in ("admin", "lead"):
            check(a["role"] == "agent", f"agent {a['username']}: role must be agent")
            check(a["username"] == a["first_name"].lower(), f"agent {a['username']}: username must be the first name")

    categories = desk["categories"]
    names = [c["name"] for c in categories]
    check(15 <= len(categories) <= 25, f"15-25 categories, got {len(categories)}")
    check(len(set(names)) == len(names), "category names must be unique")
    for c in categories:
        check(c["level"] in TARGET_LEVELS, f"category {c['name']}: level must be 1-5")

    customers = desk["customers"]
    keys = [c["key"] for c in customers]
    check(within(len(customers), 60), f"about 60 customers, got {len(customers)}")
    check(len(set(keys)) == len(keys), "customer keys must be unique")
    seen: dict[tuple[str, str], str] = {}
    rich_identities = 0
    for c in customers:
        ids = c["identities"]
        check(1 <= len(ids) <= 3, f"customer {c['key']}: 1-3 identities")
        check(any(i["kind"] == "email" for i in ids), f"customer {c['key']}: needs an email identity")
        rich_identities += len(ids) >= 2
        for i in ids:
            kind, value = i["kind"], i["value"]
            check(kind in ("email", "phone", "handle", "external_id"), f"customer {c['key']}: bad identity kind {kind}")
            pair = (kind, normalized(kind, value))
            check(pair not in seen, f"identity {pair} used by {seen.get(pair)} and {c['key']}")
            seen[pair] = c["key"]
            if kind == "email":
                check(value.split("@")[-1] in EMAIL_DOMAINS - {"fernhill.example"}, f"{value}: use example.com/org/net")
            if kind == "phone":
                check(bool(PHONE.match(value)), f"{value}: use a fictional +44 7700 900xxx or +1 xxx 555 01xx number")
            if kind == "handle":
                check(bool(HANDLE.match(value)), f"{value}: handles look like @name")
    check(within(rich_identities, 12), f"about 12 customers with 2-3 identities, got {rich_identities}")
    return usernames, set(names), set(keys)


def check_conversation(i: int, conv: dict, usernames: set[str], categories: set[str], customers: set[str]) -> None:
    where = f"conversation #{i} ({conv.get('subject', '?')!r})"
    if not check(set(conv) == CONVERSATION_KEYS, f"{where}: keys {sorted(set(conv) ^ CONVERSATION_KEYS)} wrong"):
        return
    check(conv["customer"] in customers, f"{where}: unknown customer {conv['customer']}")
    check(conv["channel"] in TARGET_CHANNELS, f"{where}: bad channel")
    check(conv["level"] in TARGET_LEVELS, f"{where}: bad level")
    check(conv["category"] in categories, f"{where}: unknown category {conv['category']}")
    check(conv["status"] in TARGET_STATUSES, f"{where}: bad status")
    check(conv["temperature"] in ("calm", "warm", "hot"), f"{where}: bad temperature")
    check(conv["perceived_urgency"] in (1, 2, 3, 4, 5), f"{where}: perceived_urgency must be 1-5")
    check(bool(conv["subject"].strip()), f"{where}: empty subject")

    messages = conv["messages"]
    if not check(bool(messages), f"{where}: no messages"):
        return
    check(messages[0]["kind"] == "customer", f"{where}: first message must come from the customer")
    check(5 <= messages[0]["minutes_ago"] <= THIRTY_DAYS, f"{where}: must start 5 min to 30 days ago")
    times = [m["minutes_ago"] for m in messages]
    check(all(isinstance(t, int) and t > 0 for t in times), f"{where}: minutes_ago must be positive integers")
    check(all(a > b for a, b in itertools.pairwise(times)), f"{where}: minutes_ago must strictly decrease")
    for m in messages:
        check(m["kind"] in ("customer", "reply", "note"), f"{where}: bad message kind {m['kind']}")
        check(bool(m["text"].strip()), f"{where}: empty message")
        if m["kind"] == "customer":
            check("author" not in m, f"{where}: customer messages carry no author")
        else:
            check(m.get("author") in usernames, f"{where}: {m['kind']} author {m.get('author')} is not an agent")
        if m["kind"] == "reply":
            lowered = m["text"].lower()
            for phrase in STOCK_PHRASES:
                check(phrase not in lowered, f"{where}: stock phrase {phrase!r} in a reply")
        for domain in EMAIL_IN_TEXT.findall(m["text"]):
            check(domain.lower() in EMAIL_DOMAINS, f"{where}: email address on {domain} in text")

    status, owner, next_step = conv["status"], conv["owner"], conv["next_step"]
    kinds = [m["kind"] for m in messages]
    if status == "new":
        check(owner is None, f"{where}: new conversations have no owner")
        check(next_step == "", f"{where}: new conversations have no next step")
        check(set(kinds) == {"customer"} and 1 <= len(kinds) <= 2, f"{where}: new means 1-2 customer messages only")
        return
    check(owner in usernames, f"{where}: {status} needs an agent as owner")
    check(bool(next_step.strip()), f"{where}: {status} needs a next step")
    if status in ("open", "waiting_customer", "waiting_third_party"):
        check("reply" in kinds, f"{where}: {status} needs at least one reply")
    if status == "waiting_customer":
        spoken = [k for k in kinds if k != "note"]
        check(spoken[-1] == "reply", f"{where}: waiting on the customer, so our reply should be the last word")
    if status == "waiting_third_party":
        check(any(name in next_step for name in THIRD_PARTIES), f"{where}: next step must name the third party")
    if status in ("solved", "closed"):
        last = messages[-1]
        check(last["kind"] == "reply" and last.get("author") == owner, f"{where}: must end with the owner's reply")
    if status == "closed":
        check(times[-1] > SEVEN_DAYS, f"{where}: closed conversations are older than 7 days")


def main() -> int:
    desk = json.loads(DESK_FILE.read_text(encoding="utf-8"))
    check(set(desk) == {"company", "teams", "agents", "categories", "customers", "conversations"}, "top-level keys")
    usernames, categories, customers = check_people(desk)
    conversations = desk["conversations"]
    check(len(conversations) == 200, f"exactly 200 conversations, got {len(conversations)}")
    for i, conv in enumerate(conversations):
        check_conversation(i, conv, usernames, categories, customers)
    if errors:
        return report()

    levels = Counter(c["level"] for c in conversations)
    channels = Counter(c["channel"] for c in conversations)
    statuses = Counter(c["status"] for c in conversations)
    for name, counts, targets in (
        ("level", levels, TARGET_LEVELS),
        ("channel", channels, TARGET_CHANNELS),
        ("status", statuses, TARGET_STATUSES),
    ):
        for key, target in targets.items():
            check(within(counts[key], target), f"{name} {key}: {counts[key]} is not within 20% of {target}")

    with_cadence = [c for c in conversations if c["status"] == "open" and c["level"] in CADENCE]
    overdue = [c for c in with_cadence if last_exchange(c["messages"]) > CADENCE[c["level"]]]
    unheard = [c for c in with_cadence if last_heard(c["messages"]) > CADENCE[c["level"]]]
    check(15 <= len(overdue) <= 26, f"about 20 open conversations overdue for an update, got {len(overdue)}")
    check(15 <= len(unheard) <= 26, f"about 20 open conversations past cadence since our last reply: {len(unheard)}")

    active = [c for c in conversations if c["status"] in ("new", "open")]
    recent = [c for c in active if c["messages"][0]["minutes_ago"] <= THREE_DAYS]
    check(
        len(recent) > len(active) / 2,
        f"most new/open conversations should start in the last 3 days: {len(recent)}/{len(active)}",
    )

    hot = [c for c in conversations if c["level"] == 2 and c["temperature"] == "hot" and len(c["messages"]) >= 5]
    if check(len(hot) == 1, f"exactly one hot level-2 thread with 5+ messages, got {len(hot)}"):
        thread = hot[0]
        notes = [m for m in thread["messages"] if m["kind"] == "note"]
        check(thread["channel"] == "email", "hot thread: email")
        check(thread["perceived_urgency"] == 1, "hot thread: perceived urgency 1")
        check(5 <= len(thread["messages"]) <= 7, "hot thread: 5-7 messages")
        check(len(notes) == 1 and notes[0]["author"] == thread["owner"], "hot thread: one internal note, by the owner")

    with_notes = sum(any(m["kind"] == "note" for m in c["messages"]) for c in conversations)
    check(within(with_notes, 40), f"about 40 conversations with internal notes, got {with_notes}")

    per_customer: dict[str, list[dict]] = defaultdict(list)
    for c in conversations:
        per_customer[c["customer"]].append(c)
    multi_channel = [k for k, convs in per_customer.items() if len({c["channel"] for c in convs}) >= 2]
    check(within(len(multi_channel), 15), f"about 15 customers on several channels, got {len(multi_channel)}")
    for key in multi_channel:
        check(2 <= len(per_customer[key]) <= 4, f"customer {key}: multi-channel customers have 2-4 conversations")

    subjects = Counter(c["subject"].lower() for c in conversations)
    openings = Counter(c["messages"][0]["text"] for c in conversations)
    check(max(subjects.values()) == 1, f"subjects repeat: {[s for s, n in subjects.items() if n > 1]}")
    check(max(openings.values()) == 1, "two conversations open with the same text")
    more_urgent = sum(c["perceived_urgency"] < c["level"] for c in conversations)
    check(more_urgent >= 10, f"perceived urgency should sometimes be more urgent than the level ({more_urgent})")
    if errors:
        return report()

    print(
        f"desk.json OK: {len(conversations)} conversations, {len(desk['customers'])} customers; "
        f"levels {dict(sorted(levels.items()))}; channels {dict(channels.most_common())}; "
        f"statuses {dict(statuses)}; {len(overdue)} overdue ({len(unheard)} by last reply); {with_notes} with notes; "
        f"{len(multi_channel)} multi-channel customers; hot thread: {hot[0]['subject']!r}"
    )
    return 0


def report() -> int:
    for error in errors:
        print(f"FAIL {error}")
    print(f"desk.json: {len(errors)} rule(s) broken")
    return 1


if __name__ == "__main__":
    sys.exit(main())
