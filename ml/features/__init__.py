"""Point-in-time feature pipelines (design §4): competency profiles from appraisal, assessment
and training history, as of a date, with nothing from after it."""

from ml.features.pipeline import FeatureSet, build_features, build_training_examples
from ml.features.point_in_time import known_at, period_end

__all__ = ["FeatureSet", "build_features", "build_training_examples", "known_at", "period_end"]
