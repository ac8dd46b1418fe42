"""Training-need and expected-appraisal models: training, evaluation, registry and scoring."""
