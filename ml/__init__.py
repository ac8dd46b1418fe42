"""Talenta: competency, training-need and appraisal-fairness decision support for Indonesia's ASN."""

__version__ = "0.1.0"
