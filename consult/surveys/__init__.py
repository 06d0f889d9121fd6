"""Surveys: sections, questions in many languages, answering, paper entry, XLSForm import, results."""
