"""Talenta: competency, training-need and appraisal-fairness decision support for the ASN."""

__version__ = "0.1.0"
