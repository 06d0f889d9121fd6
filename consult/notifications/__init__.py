"""Notifications: who asked to hear back about a consultation, and the messages queued for them (sent later)."""
