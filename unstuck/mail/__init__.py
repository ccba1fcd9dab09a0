"""Email channel: IMAP polling, inbound SMTP, parsing, threading and outbound delivery."""
