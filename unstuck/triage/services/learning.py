"""Learning from agents: corrections become labels, labels become model versions that must earn their place."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Hashable, Sequence
from functools import partial

from django.db import transaction
from sklearn.metrics import accuracy_score, f1_score

from unstuck.accounts.models import Agent
from unstuck.conversations.models import Category, Conversation, Message, MessageKind

from .. import store
from ..engine.category import CategoryModel
from ..engine.hierarchy import Example, HierarchyModel, engine_suffix, load_starter
from ..models import ModelKind, TriageLabel, TriageModel

logger = logging.getLogger(__name__)

LABEL_FIELDS = ("level", "category", "temperature", "perceived_urgency")
RETRAIN_EVERY = 20  # new labels of a kind before a background retrain
CATEGORY_MIN_EXAMPLES = 5  # a category becomes predictable once it has this many labelled messages
HIERARCHY_MIN_LABELS = 10
DESK_LABEL_WEIGHT = 2.0  # a desk's own corrections count more than the generic starter set
MODEL_KINDS = {"level": ModelKind.HIERARCHY, "category": ModelKind.CATEGORY}  # the model each label field trains


def record_correction(*, conversation: Conversation, field: str, before: object, after: object, actor: Agent) -> None:
    """Store an agent's change of a triage field as a label, and retrain once enough labels have gathered."""
    label = store_label(conversation=conversation, field=field, before=before, after=after, actor=actor)
    kind = MODEL_KINDS.get(field)
    if label is not None and kind is not None and retrain_due(kind, label):
        retrain_after_commit(kind)


def store_label(
    *, conversation: Conversation, field: str, before: object, after: object, actor: Agent
) -> TriageLabel | None:
    """The label: the corrected value on the conversation's first customer message (what triage read)."""
    if field not in LABEL_FIELDS or after is None or before == after:
        return None
    message = (
        Message.objects.filter(conversation=conversation, kind=MessageKind.INBOUND).order_by("created_at", "id").first()
    )
    if message is None:
        return None
    return TriageLabel.objects.create(
        conversation=conversation,
        message=message,
        field=field,
        value=str(after.pk if isinstance(after, Category) else after),
        category=after if isinstance(after, Category) else None,
        text=message.text,
        actor=actor,
    )


def retrain_after_commit(kind: str) -> None:
    from ..tasks import retrain

    transaction.on_commit(partial(retrain.enqueue, kind=kind))


def _latest_per_conversation(field: str) -> list[TriageLabel]:
    """An agent may correct twice; the last word on each conversation is the label."""
    latest: dict[int, TriageLabel] = {}
    for label in TriageLabel.objects.filter(field=field).order_by("id"):
        latest[label.conversation_id] = label
    return sorted(latest.values(), key=lambda lb: lb.pk)


def _category_labels() -> list[TriageLabel]:
    return [lb for lb in _latest_per_conversation("category") if lb.category_id is not None]


def _trainable_categories(labels: list[TriageLabel]) -> set[int]:
    counts = Counter(lb.category_id for lb in labels)
    return {cid for cid, n in counts.items() if cid is not None and n >= CATEGORY_MIN_EXAMPLES}


def retrain_due(kind: str, label: TriageLabel) -> bool:
    """After RETRAIN_EVERY new labels, or at once when a category reaches its fifth example."""
    last = TriageModel.objects.filter(kind=kind).order_by("-id").values_list("last_label_id", flat=True).first() or 0
    field = "level" if kind == ModelKind.HIERARCHY else "category"
    if TriageLabel.objects.filter(field=field, pk__gt=last).count() >= RETRAIN_EVERY:
        return True
    if kind == ModelKind.CATEGORY and label.category_id is not None:
        labels = _category_labels()
        count = sum(1 for lb in labels if lb.category_id == label.category_id)
        return count == CATEGORY_MIN_EXAMPLES and len(_trainable_categories(labels)) >= 2
    return False


def _version(prefix: str, labels: list[TriageLabel], engine: str) -> str:
    digest = hashlib.sha256(",".join(f"{lb.pk}:{lb.value}" for lb in labels).encode()).hexdigest()[:8]
    return f"{prefix}-{len(labels)}-{digest}{engine_suffix(engine)}"


def _score(model_predict, texts: list[str], truth: Sequence[Hashable]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    if not texts:
        return {"accuracy": 0.0, "macro_f1": 0.0, "n": 0}
    predicted = model_predict(texts)
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, average="macro")), 4),
        "n": len(texts),
    }


def retrain_category_model(*, engine: str | None = None) -> TriageModel | None:
    """Train on the desk's category labels; activate only if it does at least as well as the active version."""
    engine = engine or store.serving_engine()
    labels = _category_labels()
    trainable = _trainable_categories(labels)
    if len(trainable) < 2:
        logger.info("triage.category_not_ready", extra={"labels": len(labels)})
        return None
    usable = [lb for lb in labels if lb.category_id in trainable]
    train = [lb for lb in usable if not lb.held_out]
    held = [lb for lb in usable if lb.held_out]
    if len({lb.category_id for lb in train}) < 2:
        return None
    candidate = CategoryModel(engine=engine, version=_version("cat", usable, engine))
    candidate.fit([lb.text for lb in train], [lb.category_id for lb in train])
    held_texts, held_truth = [lb.text for lb in held], [lb.category_id for lb in held]
    new_score = _score(candidate.predict, held_texts, held_truth)
    current = store.active_category(engine)
    old_score = _score(current.predict, held_texts, held_truth) if current is not None else None
    better = old_score is None or new_score["accuracy"] >= old_score["accuracy"]
    metrics = {
        "held_out": new_score,
        "previous": old_score,
        "previous_version": current.version if current is not None else None,
        "categories": sorted(trainable),
        "n_train": len(train),
        "refused": not better,
    }
    row = store.save(
        kind=ModelKind.CATEGORY,
        engine=engine,
        model=candidate,
        version=candidate.version,
        metrics=metrics,
        n_labels=len(usable),
        last_label_id=max(lb.pk for lb in labels),
        active=better,
    )
    logger.info("triage.category_retrained", extra={"version": row.version, "active": better, **new_score})
    return row


def retrain_hierarchy_model(*, engine: str | None = None) -> TriageModel | None:
    """Starter set plus the desk's level corrections; kept only if it levels held-out labels at least as well."""
    engine = engine or store.serving_engine()
    labels = [lb for lb in _latest_per_conversation("level") if lb.value.isdigit()]
    if len(labels) < HIERARCHY_MIN_LABELS:
        return None
    train = [lb for lb in labels if not lb.held_out]
    held = [lb for lb in labels if lb.held_out]
    starter = load_starter()
    examples = [*starter, *(Example(text=lb.text, level=int(lb.value)) for lb in train)]
    weights = [1.0] * len(starter) + [DESK_LABEL_WEIGHT] * len(train)
    candidate = HierarchyModel(engine=engine, version=_version("desk", labels, engine))
    candidate.fit(examples, weights=weights, known=store.starter_model(engine) if engine == "semantic" else None)
    current = store.active_hierarchy(engine)
    held_texts, held_truth = [lb.text for lb in held], [int(lb.value) for lb in held]

    def levels(model: HierarchyModel):  # type: ignore[no-untyped-def]
        return lambda texts: [model.read(t).level for t in texts]

    new_score = _score(levels(candidate), held_texts, held_truth)
    old_score = _score(levels(current), held_texts, held_truth)
    better = bool(held) and new_score["accuracy"] >= old_score["accuracy"]
    row = store.save(
        kind=ModelKind.HIERARCHY,
        engine=engine,
        model=candidate,
        version=candidate.version,
        metrics={
            "held_out": new_score,
            "previous": old_score,
            "previous_version": current.version,
            "n_train": len(examples),
            "refused": not better,
        },
        n_labels=len(labels),
        last_label_id=max(lb.pk for lb in labels),
        active=better,
    )
    logger.info("triage.hierarchy_retrained", extra={"version": row.version, "active": better, **new_score})
    return row
