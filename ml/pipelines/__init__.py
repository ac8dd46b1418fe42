"""The batch jobs, wired in one place (Kedro's habit: pure nodes in the domain packages, the
wiring and all file and store I/O here).

Each job takes settings or tables and returns a result dataclass; the command line
(``ml/cli.py``) only parses options and prints results, and the tests and benchmarks call the
same jobs:

- ``generate``: a synthetic workforce written to a data directory;
- ``featurise``: point-in-time features of a data directory, written to Parquet;
- ``train_and_register`` / ``promote_models``: both models trained, logged and registered in
  MLflow; the champion alias moved through the gates;
- ``score_and_snapshot``: need scores with reasons, and the snapshot the API serves;
- ``audit_and_record``: the fairness audit, its report and its flags in the review trail;
- ``plan_for_unit``: a unit's training plan within a budget;
- ``run_demo``: all of the above on a generated workforce under TALENTA_HOME.

Import the job from its module (``from ml.pipelines.score import score_and_snapshot``): each
loads only what it needs.
"""
