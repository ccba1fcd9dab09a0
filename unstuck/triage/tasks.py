"""Background retraining: after enough new labels, and nightly."""

import logging

from django_tasks import task

from . import services
from .models import ModelKind

logger = logging.getLogger(__name__)


@task()
def retrain(kind: str) -> None:
    """Train a candidate version of one model kind; services decide whether it replaces the active one."""
    if kind == ModelKind.CATEGORY:
        services.retrain_category_model()
    elif kind == ModelKind.HIERARCHY:
        services.retrain_hierarchy_model()
    else:
        logger.info("triage.retrain_unknown_kind", extra={"kind": kind})


@task()
def retrain_nightly() -> None:
    """Nightly: retrain each kind that has labels newer than its last version."""
    from .selectors import kinds_with_new_labels

    for kind in kinds_with_new_labels():
        retrain.enqueue(kind=kind)
