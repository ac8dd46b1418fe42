"""Training recommendations: programme effects, ranking, and budget-constrained unit plans."""
