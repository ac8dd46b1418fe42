"""Synthetic workforce with ground truth (``talenta generate``)."""

from ml.synth.config import SynthConfig
from ml.synth.generator import GROUND_TRUTH, Workforce, generate_workforce, write_workforce

__all__ = ["GROUND_TRUTH", "SynthConfig", "Workforce", "generate_workforce", "write_workforce"]
