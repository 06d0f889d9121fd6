"""Consultation reports: participation, representativeness, survey and vote results, in four formats."""
