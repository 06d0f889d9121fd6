"""Invitations with personal links, reminders before closing, and the timers that open and close consultations."""
