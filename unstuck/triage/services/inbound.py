"""Triage of one inbound message: read it, weigh recent similar messages, and set what no agent has set."""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from unstuck.conversations.models import Category, Conversation, Event, Message, MessageKind, Trend
from unstuck.conversations.services.common import save_with_clocks
from unstuck.conversations.services.events import fields_for_event, record_event

from .. import store
from ..engine.hierarchy import Reading
from ..engine.reading import TextReading, read_text
from ..models import TriageDecision

logger = logging.getLogger(__name__)

BURST_WINDOW = timedelta(minutes=30)
BURST_MIN = 3  # this message and two similar ones from other conversations
BURST_SIMILARITY = 0.45
# One shared word is not the same problem: short replies ("works now, thanks") share "work" and little else.
BURST_MIN_SHARED = 2
BURST_SCAN_LIMIT = 400
CATEGORY_MIN_CONFIDENCE = 0.35
FAILURE_LEVELS = (1, 3)
# Events written when a person set a triage field; triage never overrides those fields afterwards.
HUMAN_KINDS = ("level.changed", "category.changed", "temperature.changed", "urgency.changed", "triage.set")
HEAT_STEPS = ("calm", "warm", "hot")


@dataclass
class Burst:
    size: int
    conversation_ids: list[int]
    topics: list[str]


def triage_inbound(
    message: Message,
    *,
    new_conversation: bool = False,
    read_ahead: TextReading | None = None,
    now: datetime | None = None,
) -> None:
    """Called inside receive_message's transaction; a failure here is logged and never reaches the caller.

    `new_conversation`: the message just opened its conversation, so there is no earlier decision and no
    person has set anything yet (two queries saved on most mail). `read_ahead`: the text already read in a
    worker process (engine.reading), used when it was read by the model now in force. `now`: when the message
    arrived, for a history replayed after the fact (the demo desk): the decision, its event and the burst
    window are dated by it.
    """
    if message.kind != MessageKind.INBOUND:
        return
    try:
        with transaction.atomic():  # a savepoint: a failed triage leaves the received message intact
            _triage(message, new_conversation=new_conversation, read_ahead=read_ahead, now=now or timezone.now())
    except Exception:
        logger.exception("triage.failed", extra={"message_id": message.pk})


def human_fields(conversation: Conversation) -> set[str]:
    """Triage fields a person has set on this conversation (agents' changes and pre-triage via the API)."""
    fields: set[str] = set()
    for after in Event.objects.filter(conversation=conversation, kind__in=HUMAN_KINDS).values_list("after", flat=True):
        fields.update(after or {})
    return fields


Entry = tuple[int, frozenset[str], frozenset[str], float]  # conversation id, signature, topics, sqrt(len(signature))


def entry(conversation_id: int, text_signature: list[str] | None, topics: list[str] | None) -> Entry:
    tokens = frozenset(text_signature or ())
    return conversation_id, tokens, frozenset(topics or ()), math.sqrt(len(tokens)) or 1.0


class _RecentSignatures:
    """Parsed signatures and topics of recent decisions by id, so a burst check does not decode JSON each time.

    Entries enter only after a real commit (an on-commit hook that runs outside any transaction), so a decision
    that was rolled back, whose id the database may hand out again, never enters. An entry is used only while
    its conversation id still matches the row's. Which decisions count (the window, other conversations, the
    scan limit) is always asked of the database, so every worker sees the same burst.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.entries: dict[int, Entry] = {}
        self._lock = threading.Lock()

    def add(self, entries: dict[int, Entry]) -> None:
        with self._lock:
            self.entries = {**self.entries, **entries}  # readers keep iterating the old dict safely
            if len(self.entries) > self.capacity:
                keep = sorted(self.entries)[len(self.entries) - self.capacity // 2 :]
                self.entries = {decision_id: self.entries[decision_id] for decision_id in keep}

    def add_on_commit(self, entries: dict[int, Entry]) -> None:
        def committed() -> None:
            if not transaction.get_connection().in_atomic_block:  # not a test running hooks before a rollback
                self.add(entries)

        if entries:
            transaction.on_commit(committed)

    def __len__(self) -> int:
        return len(self.entries)

    def clear(self) -> None:
        with self._lock:
            self.entries = {}


recent_signatures = _RecentSignatures(capacity=4 * BURST_SCAN_LIMIT)


def _recent_entries(conversation: Conversation, now) -> list[Entry]:  # type: ignore[no-untyped-def]
    """Signatures of at most BURST_SCAN_LIMIT recent decisions on other conversations, cache first."""
    # Asked for every inbound message: plain SQL, as the ORM spent longer building it than the database running it.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, conversation_id FROM {TriageDecision._meta.db_table}"  # table name from the model
            " WHERE created_at >= %s AND created_at <= %s AND conversation_id <> %s ORDER BY id DESC LIMIT %s",
            [
                connection.ops.adapt_datetimefield_value(now - BURST_WINDOW),
                connection.ops.adapt_datetimefield_value(now),
                conversation.pk,
                BURST_SCAN_LIMIT,
            ],
        )
        recent: list[tuple[int, int]] = cursor.fetchall()
    cached = recent_signatures.entries
    found: list[Entry] = []
    missing: list[int] = []
    for decision_id, conversation_id in recent:
        known = cached.get(decision_id)
        if known is not None and known[0] == conversation_id:
            found.append(known)
        else:
            missing.append(decision_id)
    if missing:
        rows = TriageDecision.objects.filter(id__in=missing).values_list("id", "conversation_id", "signature", "topics")
        fetched = {decision_id: entry(conversation_id, sig, tops) for decision_id, conversation_id, sig, tops in rows}
        recent_signatures.add_on_commit(fetched)
        found.extend(fetched.values())
    return found


def find_burst(text_signature: list[str], topics: list[str], *, conversation: Conversation, now) -> Burst:  # type: ignore[no-untyped-def]
    """Similar messages from other conversations in the last 30 minutes: many mild reports can be one outage.

    Bounded work per message however busy the desk is: one indexed query for the ids of at most
    BURST_SCAN_LIMIT recent decisions, their signatures from the in-process cache (those it lacks are read
    in a second query), and set intersections (cosine similarity of the token sets).
    """
    mine = frozenset(text_signature)
    if not mine:
        return Burst(size=1, conversation_ids=[], topics=[])
    root = math.sqrt(len(mine))
    failure_topics = frozenset(t for t in topics if t.startswith("1:"))
    similar: dict[int, set[str]] = {}
    for conversation_id, other_signature, other_topics, other_root in _recent_entries(conversation, now):
        if conversation_id in similar and not failure_topics:
            continue  # already counted, and no topics to collect
        overlap = len(mine & other_signature)
        if not overlap:
            continue
        score = overlap / (root * other_root)
        shared = failure_topics & other_topics
        if (score >= BURST_SIMILARITY and overlap >= BURST_MIN_SHARED) or (shared and score >= 0.2):
            similar.setdefault(conversation_id, set()).update(shared)
    shared_topics = sorted(set().union(*similar.values())) if similar else []
    return Burst(size=1 + len(similar), conversation_ids=sorted(similar), topics=shared_topics)


def perceived_urgency_for(reading: Reading, level: int) -> int:
    """The customer's own sense of urgency on the 1-5 scale: urgent wording pulls it up, never down."""
    if not reading.urgent:
        return level
    return 1 if reading.urgency_score >= 0.9 else min(level, 2)


def _unanswered_follow_ups(conversation: Conversation, message: Message) -> int:
    """Customer messages since our last reply, this one included: repeated follow-ups mean rising pressure."""
    if conversation.message_count <= 1:  # this message is the conversation's first: no query needed
        return 1
    last_reply = conversation.last_heard_at
    inbound = Message.objects.filter(conversation=conversation, kind=MessageKind.INBOUND)
    if last_reply is not None:
        inbound = inbound.filter(created_at__gt=last_reply)
    return inbound.count()


def _trend(previous_heat: float | None, heat: float) -> str:
    if previous_heat is None:
        return Trend.STEADY
    if heat >= previous_heat + 0.3:
        return Trend.RISING
    if heat <= previous_heat - 0.3:
        return Trend.FALLING
    return Trend.STEADY


def _triage(
    message: Message, *, new_conversation: bool, read_ahead: TextReading | None, now: datetime
) -> TriageDecision:
    started = time.perf_counter()
    conversation = message.conversation
    engine = store.serving_engine()
    hierarchy, categories = store.active_models(engine)
    if read_ahead is None or not read_ahead.fits(message.text, hierarchy, engine):
        read_ahead = read_text(message.text, hierarchy, engine=engine)
    reading, embedding = read_ahead.reading, read_ahead.embedding
    text_signature, topics = read_ahead.signature, read_ahead.topics
    reasons = dict(reading.reasons)
    previous_heat: float | None = (
        None
        if new_conversation
        else TriageDecision.objects.filter(conversation=conversation)
        .order_by("-id")
        .values_list("heat", flat=True)
        .first()
    )
    first = previous_heat is None

    burst = find_burst(text_signature, topics, conversation=conversation, now=now)
    level = reading.level
    if burst.size >= BURST_MIN:
        reasons["burst"] = [f"{burst.size} similar messages in {int(BURST_WINDOW.total_seconds() // 60)} min"]
        failure_p = sum(reading.probabilities.get(lv, 0.0) for lv in FAILURE_LEVELS)
        if level in FAILURE_LEVELS or failure_p >= 0.5:
            if level != 1:
                reasons["level"] = [f"outage burst ({burst.size} similar in 30 min)", *reasons["level"]][:4]
            level = 1

    heat = reading.heat
    follow_ups = _unanswered_follow_ups(conversation, message)
    urgent, urgency_score = reading.urgent, reading.urgency_score
    if follow_ups >= 2:
        heat = min(2.0, heat + 0.3 * (follow_ups - 1))
        urgency_score = min(1.0, urgency_score + 0.3 * (follow_ups - 1))
        urgent = urgency_score >= 0.5
        note = f"{follow_ups} messages without a reply"
        reasons["urgency"] = [*reasons.get("urgency", []), note]
        reasons["temperature"] = [*reasons.get("temperature", []), note]
    temperature = "hot" if heat >= 1.25 else "warm" if heat >= 0.6 else "calm"
    reading.urgent, reading.urgency_score = urgent, urgency_score
    trend = _trend(previous_heat, heat)

    category: Category | None = None
    category_confidence: float | None = None
    if categories is not None:
        guess = categories.guess(message.text, embedding=embedding)
        if guess.confidence >= CATEGORY_MIN_CONFIDENCE:
            category = Category.objects.filter(pk=int(guess.label)).first()  # type: ignore[call-overload]
            category_confidence = guess.confidence
            if category is not None:
                reasons["category"] = guess.terms

    decision = TriageDecision(
        conversation=conversation,
        message=message,
        level=level,
        level_confidence=round(reading.confidence, 3),
        urgent=urgent,
        urgency_score=round(urgency_score, 3),
        perceived_urgency=perceived_urgency_for(reading, level),
        temperature=temperature,
        temperature_trend=trend,
        heat=round(heat, 3),
        category=category,
        category_confidence=None if category_confidence is None else round(category_confidence, 3),
        reasons=reasons,
        burst_size=burst.size,
        burst_window_minutes=int(BURST_WINDOW.total_seconds() // 60),
        signature=text_signature,
        topics=topics,
        model_version=hierarchy.version,
        category_model_version=categories.version if categories is not None else "",
        engine=engine,
        created_at=now,
    )
    decision.applied = _apply(conversation, decision, first=first, human=set() if new_conversation else None, at=now)
    decision.elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
    decision.save()
    recent_signatures.add_on_commit({decision.pk: entry(conversation.pk, text_signature, topics)})
    return decision


def _apply(
    conversation: Conversation, decision: TriageDecision, *, first: bool, human: set[str] | None, at: datetime
) -> list[str]:
    """Set the fields triage owns: the level only from the first message, and never a field a person set."""
    human = human_fields(conversation) if human is None else human
    before: dict[str, object] = {}
    changes: dict[str, object] = {}

    def propose(field: str, value: object) -> None:
        current = getattr(conversation, field)
        if field not in human and current != value:
            before[field], changes[field] = current, value

    if first and conversation.level is None:
        propose("level", decision.level)
    if first or (conversation.perceived_urgency or 6) > decision.perceived_urgency:
        propose("perceived_urgency", decision.perceived_urgency)
    propose("temperature", decision.temperature)
    if "temperature" not in human:
        propose("temperature_trend", decision.temperature_trend)
    if first and decision.category is not None and conversation.category_id is None:
        propose("category", decision.category)
    for field, value in changes.items():
        setattr(conversation, field, value)
    if changes:
        save_with_clocks(conversation, *changes)
    record_event(
        kind="triage.auto",
        actor=None,
        conversation=conversation,
        before=fields_for_event(before),
        after={
            **fields_for_event(changes),
            "summary": summary(decision),
            "model_version": decision.model_version,
        },
        at=at,
    )
    return sorted(changes)


def summary(decision: TriageDecision) -> str:
    """One line for the timeline: "level 2 (0.81): 'charged twice', 'refund' · warm · urgent"."""
    phrases = ", ".join(f"'{p}'" for p in decision.reasons.get("level", [])[:3])
    parts = [f"level {decision.level} ({decision.level_confidence:.2f})" + (f": {phrases}" if phrases else "")]
    parts.append(
        decision.temperature + ("" if decision.temperature_trend == Trend.STEADY else f", {decision.temperature_trend}")
    )
    if decision.urgent:
        parts.append("urgent")
    if decision.category is not None:
        parts.append(f"category {decision.category.name}")
    if decision.burst_size >= BURST_MIN:
        parts.append(f"burst of {decision.burst_size} in {decision.burst_window_minutes} min")
    return " · ".join(parts)
