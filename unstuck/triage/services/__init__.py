"""Triage actions: place an inbound message on the hierarchy and learn from agents' corrections."""

from .inbound import triage_inbound
from .learning import record_correction, retrain_category_model, retrain_hierarchy_model

__all__ = ["record_correction", "retrain_category_model", "retrain_hierarchy_model", "triage_inbound"]
