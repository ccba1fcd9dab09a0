"""Web channels: the embeddable chat widget and the public contact form."""
