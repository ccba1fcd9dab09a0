"""Actions of the momentum engine, one module per concern."""
