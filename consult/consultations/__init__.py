"""Consultations: their window, status, localities covered, own stakeholder weights, public landing page."""
