"""Commissioning: planning years and budgets, commissioning intentions with their evidence, "you said, we did"."""
