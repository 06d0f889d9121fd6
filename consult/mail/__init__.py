"""Mail: messages rendered in the recipient's language, delivered by SMTP or to the in-app outbox."""
