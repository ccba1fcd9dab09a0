"""Momentum engine: SLA policies and calendars, the clock sweep, nudges, scope checks, calls, collaborators."""
