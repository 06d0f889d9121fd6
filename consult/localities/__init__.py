"""Localities, planning groups, stakeholder groups and who belongs where."""
