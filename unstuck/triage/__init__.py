"""Triage: support level, perceived urgency, temperature and the desk's categories for every inbound message."""
