"""``talenta``: the command line. Commands parse their options, call one job of
``ml.pipelines`` (or one function of the package) and print its result; the work itself lives
in the modules they call. A ``TalentaError`` (something the user can fix) prints as one line and
exits 1 (2 for a bad option); any other exception is a bug and keeps its traceback."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from pydantic import ValidationError

from ml.config import get_settings
from ml.console import console, err_console, frame_table, steps, violations_table
from ml.contract.ingest import IngestError, ingest
from ml.contract.tables import Format, Violation
from ml.contract.validation import (
    UnknownTableError,
    ValidationReport,
    validate_directory,
    write_violations,
)
from ml.errors import TalentaError
from ml.synth import SynthConfig

if TYPE_CHECKING:
    from ml.pipelines.audit import Audited
    from ml.pipelines.demo import DemoKeys
    from ml.pipelines.featurise import Featurised
    from ml.pipelines.generate import Generated, GeneratedShards
    from ml.pipelines.score import Scored
    from ml.pipelines.train import TrainingOutcome
    from ml.recommend.unit import UnitPlan
    from ml.training.gates import GateResult, Gates
    from ml.training.registry import Promotion

app = typer.Typer(
    name="talenta",
    help="Competency, training-need and appraisal-fairness decision support for the ASN.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def _user_errors(code: int = 1) -> Iterator[None]:
    """A ``TalentaError`` as one line and exit ``code``; anything else is a bug: let it show."""
    try:
        yield
    except TalentaError as e:
        raise _fail(str(e), code) from None


@app.command(
    epilog="Example: talenta generate --employees 20000 --seed 7 --out data/raw --biased-raters 0.1"
)
def generate(
    out: Annotated[Path, typer.Option(help="directory to write the tables into")],
    employees: Annotated[int, typer.Option(help="workforce size (at least 100)")] = 10_000,
    seed: Annotated[int, typer.Option(help="random seed; same seed, byte-identical files")] = 0,
    biased_raters: Annotated[
        float, typer.Option(help="fraction of raters that are lenient, severe or differential")
    ] = 0.1,
    bias_magnitude: Annotated[
        float, typer.Option(help="mean size of a biased rater's effect, in rating steps")
    ] = 0.75,
    group_bias: Annotated[
        float, typer.Option(help="workforce-wide penalty on women's ratings, in rating steps")
    ] = 0.0,
    bias_spread: Annotated[
        float, typer.Option(help="spread of biased raters' sizes, a share of the magnitude")
    ] = 1 / 3,
    official_raters: Annotated[
        int, typer.Option(help="ATASAN-role raters per person and period (a panel when > 1)")
    ] = 1,
    training_effect: Annotated[
        float, typer.Option(help="multiplier on the true effect of every programme")
    ] = 1.0,
    assessment_rate: Annotated[
        float, typer.Option(help="multiplier on how often competencies are assessed")
    ] = 1.0,
    start_year: Annotated[int, typer.Option(help="first appraisal year")] = 2021,
    periods: Annotated[int, typer.Option(help="number of yearly appraisal periods")] = 5,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
    sharded: Annotated[
        bool | None,
        typer.Option(
            "--sharded/--in-memory",
            help="partitioned Parquet written shard by shard, in bounded memory "
            "(default: for Parquet above 250,000 employees)",
        ),
    ] = None,
    shard_size: Annotated[
        int, typer.Option(help="most employees in one shard (an agency or a block of one)")
    ] = 100_000,
) -> None:
    """Generate a synthetic workforce with its ground truth (design §3)."""
    from ml.pipelines.generate import SHARD_FROM

    if fmt not in ("csv", "parquet"):
        raise _fail(f"--format must be csv or parquet, not {fmt!r}", 2)
    if sharded is None:
        sharded = fmt == "parquet" and employees > SHARD_FROM
    if sharded and fmt != "parquet":
        raise _fail("--sharded writes Parquet: add --format parquet", 2)
    if shard_size < 1_000:
        raise _fail("--shard-size must be at least 1000", 2)
    if out.exists() and not out.is_dir():
        raise _fail(f"--out {out} exists and is not a directory", 2)
    try:
        config = SynthConfig(
            employees=employees, seed=seed, biased_raters=biased_raters,
            bias_magnitude=bias_magnitude, group_bias=group_bias, bias_spread=bias_spread,
            official_raters=official_raters, training_effect=training_effect,
            assessment_rate=assessment_rate,
            start_year=start_year, periods=periods,
        )  # fmt: skip
    except ValueError as e:
        raise _fail(str(e), 2) from None
    if sharded:
        _show_generated(_generate_sharded(config, out, shard_size))
    else:
        _show_generated(_generate(config, out, fmt))  # type: ignore[arg-type]


def _generate(config: SynthConfig, out: Path, fmt: Format) -> Generated:
    from ml.pipelines.generate import generate, generation_steps

    with steps(f"generating {config.employees:,} employees", generation_steps(config)) as advance:
        return generate(config, out, fmt, advance)


def _generate_sharded(config: SynthConfig, out: Path, shard_size: int) -> GeneratedShards:
    from ml.pipelines.generate import generate_sharded
    from ml.synth.sharded import plan_shards

    n = len(plan_shards(config.employees, shard_size))
    with steps(f"generating {config.employees:,} employees in {n} shards", n) as advance:
        return generate_sharded(config, out, shard_size, advance)


def _show_generated(generated: Generated | GeneratedShards) -> None:
    sizes = ", ".join(f"{name} {n:,}" for name, n in generated.sizes.items())
    console.print(f"wrote {generated.out}: {sizes}")


def _print_report(report: ValidationReport, limit: int) -> None:
    for e in report.file_errors:
        err_console.print(f"[bold red]error:[/] {e}", soft_wrap=True)
    shown: list[Violation] = report.violations if limit <= 0 else report.violations[:limit]
    if shown:
        console.print(violations_table(shown, f"violations in {report.data_dir}"))
    hidden = len(report.violations) - len(shown)
    if hidden:
        console.print(f"… and {hidden:,} more (--limit 0 shows all; --report FILE writes all)")


@app.command(
    epilog="Example: talenta validate data/raw --require appraisals --report violations.csv"
)
def validate(
    data_dir: Annotated[Path, typer.Argument(help="directory of NAME.csv / NAME.parquet tables")],
    require: Annotated[
        list[str] | None, typer.Option(help="a table that must be present (repeatable)")
    ] = None,
    limit: Annotated[int, typer.Option(help="violations to print (0: all)")] = 200,
    report: Annotated[Path | None, typer.Option(help="write every violation to this CSV")] = None,
) -> None:
    """Check a data directory against the contract; exit 1 on any violation, 0 when clean."""
    try:
        result = validate_directory(data_dir, require or ())
    except UnknownTableError as e:
        raise _fail(str(e), 2) from None
    _print_report(result, limit)
    if report is not None:
        try:
            write_violations(result.violations, report)
        except OSError as e:
            raise _fail(f"cannot write --report {report}: {e.strerror}", 2) from None
    counts = ", ".join(f"{n} {len(t.frame):,} rows" for n, t in result.tables.items())
    if result.absent:
        console.print(f"absent (not checked): {', '.join(result.absent)}")
    n_err, n_warn = len(result.errors), len(result.warnings)
    if not result.ok:
        raise _fail(
            f"{n_err:,} violation(s), {len(result.file_errors)} unreadable file(s), "
            f"{n_warn:,} warning(s); checked {counts or 'nothing'}"
        )
    console.print(f"[green]valid[/]: {counts}" + (f" ({n_warn:,} warning(s))" if n_warn else ""))


@app.command(
    name="ingest",
    epilog="Example: talenta ingest ../shared/data/external/wns_hr_promotion.csv "
    "--mapping data/mappings/wns_hr_promotion.yaml --out data/raw/wns",
)
def ingest_command(
    src: Annotated[Path, typer.Argument(help="the export: a file, or a directory holding it")],
    mapping: Annotated[Path, typer.Option(help="mapping YAML (see data/mappings/)")],
    out: Annotated[Path, typer.Option(help="directory to write the contract tables into")],
    replace_with_empty: Annotated[
        bool, typer.Option(help="let an export without rows replace tables that hold rows")
    ] = False,
) -> None:
    """Rename and recode a real export into the data contract, then validate it."""
    try:
        result = ingest(src, mapping, out, replace_with_empty=replace_with_empty)
    except IngestError as e:
        raise _fail(str(e)) from None
    for table, summary in result.summaries.items():
        console.print(f"[bold]{table}[/]: {summary}")
    for line in result.unmapped:
        console.print(f"[yellow]not mapped[/]: {line}")
    if not result.validation.ok:
        _print_report(result.validation, 200)
        raise _fail(f"the mapped tables break the contract; nothing was written to {out}")
    console.print(f"[green]wrote[/] {out}: {', '.join(result.written)}")


def _settings_problem(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(
            f"TALENTA_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors()
        )
    return str(error)


@app.command(
    epilog="Example: talenta features data/raw --as-of 2025-12-31 "
    "--out data/processed/features.parquet"
)
def features(
    data_dir: Annotated[Path, typer.Argument(help="directory of contract tables")],
    as_of: Annotated[str, typer.Option(help="date (YYYY-MM-DD): nothing after it is read")],
    out: Annotated[Path, typer.Option(help="Parquet file, one row per employee and competency")],
    employees_out: Annotated[
        Path | None, typer.Option(help="Parquet file for the wide per-employee view")
    ] = None,
    engine: Annotated[str, typer.Option(help="pandas (one machine) or dask")] = "pandas",
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address; default: a LocalCluster")
    ] = None,
    partitions: Annotated[
        int | None, typer.Option(help="Dask: employee groups (default: 2 per worker)")
    ] = None,
) -> None:
    """Point-in-time features of every employee: competency profiles from their history.

    A partitioned directory (``talenta generate --sharded``) is processed one partition at a
    time; ``--out`` is then a directory of partitioned Parquet."""
    from ml.features.io import partitions as parts_of
    from ml.pipelines.featurise import ENGINES, STEPS, featurise

    date = _date(as_of)
    if engine not in ENGINES:
        raise _fail(f"--engine must be pandas or dask, not {engine!r}", 2)
    if parts_of(data_dir):
        _features_partitioned(data_dir, date, out, engine, scheduler)
        return
    with _user_errors(), steps(f"features as of {date:%Y-%m-%d} ({engine})", STEPS) as advance:
        result = featurise(
            data_dir, date, out, employees_out, engine=engine,
            scheduler=scheduler, partitions=partitions, progress=advance,
        )  # fmt: skip
    _show_featurised(result)


def _features_partitioned(
    data_dir: Path, date: pd.Timestamp, out: Path, engine: str, scheduler: str | None
) -> None:
    from ml.features.io import partitions as parts_of
    from ml.pipelines.featurise import dask_client
    from ml.pipelines.featurise_partitioned import featurise_partitioned

    n = len(parts_of(data_dir))
    with _user_errors():
        if engine == "dask":
            with dask_client(scheduler) as client:
                result = featurise_partitioned(data_dir, date, out, client=client)
        else:
            with steps(f"features as of {date:%Y-%m-%d} ({n} partitions)", n) as advance:
                result = featurise_partitioned(data_dir, date, out, progress=advance)
    console.print(
        f"wrote {out}: {result.rows['competencies']:,} employee-competency rows, "
        f"{result.rows['employees']:,} employees in {len(result.parts)} partitions"
    )


# The options `score` and `score-partitions` share.
ScoreDate = Annotated[
    str | None, typer.Option(help="date (YYYY-MM-DD); default: the day after the last period")
]
ModelAlias = Annotated[str, typer.Option(help="registry alias of the model to use")]
ExplainTop = Annotated[int, typer.Option(min=0, help="explain each employee's N most likely needs")]


@app.command(
    "score-partitions",
    epilog="Example: talenta score-partitions data/national --features data/features "
    "--out data/scores",
)
def score_partitions(
    data_dir: Annotated[Path, typer.Argument(help="partitioned directory (generate --sharded)")],
    out: Annotated[Path, typer.Option(help="output directory: one Parquet part per partition")],
    features: Annotated[
        Path | None, typer.Option(help="the partitions' features (talenta features); else built")
    ] = None,
    as_of: ScoreDate = None,
    alias: ModelAlias = "champion",
    explain_top: ExplainTop = 3,
    engine: Annotated[str, typer.Option(help="pandas (one machine) or dask")] = "pandas",
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address; default: a LocalCluster")
    ] = None,
) -> None:
    """Need probabilities and top-need TreeSHAP reasons of a partitioned workforce, one
    partition at a time (or one Dask task per partition), as partitioned Parquet."""
    from ml.features.io import partitions as parts_of
    from ml.pipelines.featurise import ENGINES, dask_client
    from ml.pipelines.score import need_model
    from ml.pipelines.score_partitioned import partitioned_as_of, score_partitioned
    from ml.training.registry import NEED_MODEL

    if engine not in ENGINES:
        raise _fail(f"--engine must be pandas or dask, not {engine!r}", 2)
    with _user_errors():
        date = _date(as_of) if as_of else partitioned_as_of(data_dir)
        bundle, version = need_model(get_settings(), alias)
        if engine == "dask":
            with dask_client(scheduler) as client:
                result = score_partitioned(
                    data_dir, bundle, date, out, features_dir=features,
                    explain_top=explain_top, client=client,
                )  # fmt: skip
        else:
            n = len(parts_of(data_dir))
            with steps(f"scoring {n} partitions with the {alias} need model", n) as advance:
                result = score_partitioned(
                    data_dir, bundle, date, out, features_dir=features,
                    explain_top=explain_top, progress=advance,
                )  # fmt: skip
    console.print(
        f"wrote {out} with {NEED_MODEL} v{version}: {result.rows:,} employee-competency "
        f"rows as of {date:%Y-%m-%d}, {result.explained:,} explained, "
        f"{len(result.parts)} partitions"
    )


def _show_featurised(result: Featurised) -> None:
    console.print(
        f"wrote {result.out}: {len(result.features.competencies):,} employee-competency rows, "
        f"{len(result.features.employees):,} employees"
    )


def _gates(path: Path | None) -> Gates:
    from ml.training.gates import Gates

    if path is None:
        return Gates()
    try:
        return Gates.from_file(path)
    except (OSError, ValueError) as e:
        raise _fail(str(e), 2) from None


@app.command(epilog="Example: talenta train data/raw --promote --gates gates.yaml")
def train(
    data_dir: Annotated[Path, typer.Argument(help="directory of contract tables")],
    promote: Annotated[
        bool, typer.Option("--promote", help="move `champion` to the new models if gates pass")
    ] = False,
    gates: Annotated[
        Path | None, typer.Option(help="YAML/JSON file of gate thresholds (default: built in)")
    ] = None,
    seed: Annotated[int, typer.Option(help="random seed of the boosting")] = 0,
) -> None:
    """Train the training-need and expected-appraisal models, evaluate them (baselines, oracle
    on generated data, calibration, error rates by group), log one MLflow run, register both
    models with alias `challenger`, and print the model card's summary."""
    from ml.pipelines.train import train_and_register
    from ml.training.train import TrainingConfig

    thresholds = _gates(gates)
    if not data_dir.is_dir():
        raise _fail(f"{data_dir}: no such directory", 2)
    with _user_errors(), steps("training", 6) as advance:
        outcome = train_and_register(
            data_dir, get_settings(), TrainingConfig(gates=thresholds, seed=seed), advance
        )
    _show_training(outcome)
    if promote and not _promote(outcome.registered.need_version, thresholds):
        raise typer.Exit(1)


def _show_training(outcome: TrainingOutcome) -> None:
    result, registered = outcome.result, outcome.registered
    summary = pd.DataFrame(outcome.summary, columns=["metric", "value"])
    console.print(frame_table(summary, "need model (test employees, after the training period)"))
    console.print(frame_table(_gate_frame(result.gate_results), "gates"))
    console.print(
        f"MLflow run {registered.run_id}: talenta-need v{registered.need_version}, "
        f"talenta-expected-appraisal v{registered.appraisal_version} → alias challenger; "
        f"model card: {outcome.card_path}"
    )


def _gate_frame(results: list[GateResult]) -> pd.DataFrame:
    return pd.DataFrame(
        [("passed" if g.passed else "FAILED", g.name, g.message) for g in results],
        columns=["result", "gate", "detail"],
    )


def _promote(version: str | None, thresholds: Gates) -> bool:
    """Promote through the gates; print the outcome and return whether champion moved."""
    from ml.pipelines.train import promote_models

    with _user_errors():
        outcome = promote_models(get_settings(), version, thresholds)
    _show_promotion(outcome)
    return outcome.promoted


def _show_promotion(outcome: Promotion) -> None:
    if not outcome.promoted:
        console.print(frame_table(_gate_frame(outcome.gates), "gates"))
        failed = "; ".join(g.message for g in outcome.gates if not g.passed)
        err_console.print(
            f"[bold red]not promoted:[/] talenta-need v{outcome.need_version}, "
            f"`champion` unchanged: {failed}",
            soft_wrap=True,
        )
        return
    console.print(
        f"[green]champion[/]: talenta-need v{outcome.need_version}, "
        f"talenta-expected-appraisal v{outcome.appraisal_version}"
    )


@app.command(name="promote", epilog="Example: talenta promote 3 --gates gates.yaml")
def promote_command(
    version: Annotated[
        str | None, typer.Argument(help="talenta-need version (default: the challenger)")
    ] = None,
    gates: Annotated[
        Path | None, typer.Option(help="YAML/JSON file of gate thresholds (default: built in)")
    ] = None,
) -> None:
    """Move alias `champion` to a talenta-need version and the expected-appraisal version
    trained with it, only if that run's metrics pass the gates; says which gate failed."""
    if not _promote(version, _gates(gates)):
        raise typer.Exit(1)


@app.command(epilog="Example: talenta score data/raw --out data/processed/scores.parquet")
def score(
    data_dir: Annotated[Path, typer.Argument(help="directory of contract tables")],
    out: Annotated[Path, typer.Option(help="output file: .parquet or .csv")],
    as_of: ScoreDate = None,
    alias: ModelAlias = "champion",
    explain_top: ExplainTop = 3,
    store: Annotated[
        bool,
        typer.Option(help="also materialise profiles and features into the store for the API"),
    ] = True,
) -> None:
    """Need probability, deterministic gap and (for each employee's top needs) the reasons from
    exact TreeSHAP, per employee and competency; and, unless --no-store, the snapshot the API
    serves (profiles, model inputs, programme effects) into the store."""
    from ml.pipelines.score import STEPS, score_and_snapshot

    date = _date(as_of) if as_of else None
    with _user_errors(), steps(f"scoring with the {alias} need model", STEPS) as advance:
        scored = score_and_snapshot(
            data_dir, get_settings(), out, alias=alias, as_of=date,
            explain_top=explain_top, store=store, progress=advance,
        )  # fmt: skip
    _show_scored(scored)


def _show_scored(scored: Scored) -> None:
    console.print(
        f"wrote {scored.out} with {scored.model} v{scored.model_version}: "
        f"{len(scored.scores):,} employee-competency rows as of {scored.as_of:%Y-%m-%d}, "
        f"{int(scored.scores['explained'].sum()):,} explained"
    )
    if scored.snapshot is not None:
        info = scored.snapshot
        console.print(
            f"stored snapshot {info.snapshot_id[:8]} in {get_settings().store_url}: "
            f"{info.employees:,} employees, {scored.programs:,} programmes, "
            f"as of {info.as_of:%Y-%m-%d}"
        )


def _date(text: str) -> pd.Timestamp:
    try:
        date = pd.to_datetime(text, format="%Y-%m-%d")
        if pd.isna(date):
            raise ValueError(text)
    except ValueError:
        raise _fail(f"--as-of must be a date (YYYY-MM-DD), not {text!r}", 2) from None
    return pd.Timestamp(date)


@app.command(epilog="Example: talenta audit data/raw --out data/processed/audit --by 'Tim Penilai'")
def audit(
    data_dir: Annotated[Path, typer.Argument(help="directory with employees and appraisals")],
    out: Annotated[Path, typer.Option(help="directory for the CSV files, plots and audit.md")],
    store: Annotated[
        bool, typer.Option(help="record the flags in the review trail (TALENTA_DATABASE_URL)")
    ] = True,
    by: Annotated[str, typer.Option(help="who runs the audit (kept in the trail)")] = "talenta",
    role: Annotated[
        str, typer.Option(help="rater role audited: ATASAN (official), or e.g. REKAN")
    ] = "ATASAN",
    attribute: Annotated[
        list[str] | None,
        typer.Option(
            help="protected attribute to compare (repeat; default gender and age_band; others "
            "from protected_attributes.csv)"
        ),
    ] = None,
    engine: Annotated[
        str, typer.Option(help="a partitioned directory: pandas (in turn here) or dask")
    ] = "pandas",
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address; default: a LocalCluster")
    ] = None,
) -> None:
    """Audit the appraisals: rater leniency and severity, differential rater functioning,
    group disparity after the evidence, single scores far from it, predikat against the rule
    and the distribution curve; flags go to the review trail for the merit committee.

    A partitioned directory (``talenta generate --sharded``) is audited partition by
    partition (evidence and expected ratings), then over all partitions (the statistics)."""
    from contextlib import nullcontext

    from ml.contract import protected
    from ml.fairness.audit import AuditConfig
    from ml.features.io import partitions as parts_of
    from ml.pipelines.audit import PARTITIONED_STEPS, STEPS, audit_and_record
    from ml.pipelines.featurise import ENGINES, dask_client

    if not data_dir.is_dir():
        raise _fail(f"{data_dir}: no such directory", 2)
    if engine not in ENGINES:
        raise _fail(f"--engine must be pandas or dask, not {engine!r}", 2)
    n = len(parts_of(data_dir))
    total = PARTITIONED_STEPS + (0 if engine == "dask" else n) if n else STEPS
    distributed = dask_client(scheduler) if n and engine == "dask" else nullcontext()
    with _user_errors(), steps("audit", total) as advance, distributed as client:
        audited = audit_and_record(
            data_dir, out, store_url=get_settings().store_url if store else None, by=by,
            config=AuditConfig(role=role, attributes=tuple(attribute or protected.ATTRIBUTES)),
            progress=advance, client=client,
        )  # fmt: skip
    _show_audited(audited)


def _show_audited(audited: Audited) -> None:
    from ml.fairness.coverage import summary_lines

    result = audited.result
    flags = result.rater_flags
    summary = pd.DataFrame(
        [
            ("rater effects", int(flags[flags["group"] == ""]["flagged"].sum())),
            ("differential rater functioning", int(flags[flags["group"] != ""]["flagged"].sum())),
            ("group disparity after the evidence", int(result.group_disparity["flagged"].sum())),
            ("single scores far from the evidence", len(result.score_flags)),
            ("predikat against the rule", len(result.predikat_mismatches)),
            ("distribution-curve breaks", len(result.curve_breaks)),
        ],
        columns=["family", "flags"],
    )
    console.print(frame_table(summary, f"audit of {len(result.frame):,} official appraisals"))
    for line in summary_lines(result.coverage, result.design):
        console.print(line, soft_wrap=True)
    console.print(f"report: {audited.report['report']}")
    if audited.recorded is not None:
        console.print(
            f"review trail: run {audited.run_id}, {audited.recorded.new:,} new flags, "
            f"{audited.recorded.seen_again:,} seen before"
        )


@app.command(
    epilog="Example: talenta plan data/raw --unit KEMENKEU-U0003 --budget-idr 250000000 "
    "--out plan.csv"
)
def plan(
    data_dir: Annotated[Path, typer.Argument(help="directory of contract tables")],
    unit: Annotated[str, typer.Option(help="unit_id of the unit to plan for")],
    budget_idr: Annotated[float, typer.Option(help="the unit's training budget in rupiah")],
    max_jp_per_person: Annotated[
        float, typer.Option(help="most JP planned per person this year")
    ] = 80.0,
    year: Annotated[
        int | None, typer.Option(help="planning year (default: after the last period)")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="CSV file, one row per assignment")] = None,
    alias: Annotated[str, typer.Option(help="registry alias of the need model")] = "champion",
) -> None:
    """Choose who attends which programme this year: the most expected gap closure within the
    budget, per-person JP limits and programme seats, with the 20 JP minimum as a soft goal."""
    from ml.pipelines.plan import STEPS, plan_for_unit
    from ml.recommend.plan import PlanError, PlanLimits

    try:
        limits = PlanLimits(budget_idr=budget_idr, max_jp_per_person=max_jp_per_person)
    except PlanError as e:
        raise _fail(str(e), 2) from None
    with _user_errors(), steps(f"plan for {unit}", STEPS) as advance:
        result = plan_for_unit(
            data_dir, unit, limits, get_settings(), alias=alias, year=year, out=out,
            progress=advance,
        )  # fmt: skip
    _show_plan(result, out)


def _show_plan(result: UnitPlan, out: Path | None) -> None:
    from ml.recommend.plan import rupiah

    chosen = result.plan
    assignments = chosen.assignments
    if len(assignments):
        shown = assignments.assign(cost_idr=assignments["cost_idr"].map(rupiah))
        console.print(
            frame_table(shown.head(40), f"plan for {result.unit_id} ({len(assignments)} places)")
        )
    people = chosen.per_person
    short = people[people["short_of_minimum"] > 0]
    if len(short):
        console.print(frame_table(short.head(20), "still short of 20 JP, and why"))
    for sentence in chosen.explanation:
        console.print(sentence, soft_wrap=True)
    if out is not None:
        console.print(f"wrote {out}")


keys_app = typer.Typer(
    help="API keys: made with a role, shown once, stored hashed.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")


@keys_app.command(
    name="create", epilog="Example: talenta keys create --role planner --name 'Bidang PSDM'"
)
def keys_create(
    role: Annotated[str, typer.Option(help="planner | committee | data-scientist | admin")],
    name: Annotated[str | None, typer.Option(help="whose key, or what for")] = None,
    agency: Annotated[
        list[str] | None,
        typer.Option(help="bind the key to this agency (repeatable): it sees no other"),
    ] = None,
) -> None:
    """Make a key; the key itself is printed alone on the last line and never again."""
    from ml.store.keys import ApiKeyError, Keys

    try:
        made = Keys.from_url(get_settings().store_url).create(role, name or role, agency or None)
    except ApiKeyError as e:
        raise _fail(str(e), 2) from None
    bound = f", agencies {', '.join(made.info.agencies)}" if made.info.agencies else ""
    err_console.print(
        f"key {made.info.key_id} for role {made.info.role} ({made.info.name}{bound}); "
        "keep it secret, it is shown only now:"
    )
    typer.echo(made.key)


@keys_app.command(name="list", epilog="Example: talenta keys list")
def keys_list() -> None:
    """Every key's id, role, name, and when it was made or revoked (never the key)."""
    from ml.store.keys import Keys

    rows = Keys.from_url(get_settings().store_url).all()
    frame = pd.DataFrame(
        [(k.key_id, k.role, k.name, ";".join(k.agencies or ()), f"{k.created_at:%Y-%m-%d %H:%M}",
          "" if k.revoked_at is None else f"{k.revoked_at:%Y-%m-%d %H:%M}") for k in rows],
        columns=["key_id", "role", "name", "agencies", "created", "revoked"],
    )  # fmt: skip
    console.print(frame_table(frame, f"{len(rows)} API keys"))


@keys_app.command(name="revoke", epilog="Example: talenta keys revoke 3f2a9c1b0d4e")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="the key's id (talenta keys list)")],
) -> None:
    """Revoke a key: requests with it are refused (401) from now on; a running server that
    saw the key in the last 5 seconds (it remembers keys that long) refuses it within 5 s."""
    from ml.store.keys import ApiKeyError, Keys

    try:
        info = Keys.from_url(get_settings().store_url).revoke(key_id)
    except ApiKeyError as e:
        raise _fail(str(e), 2) from None
    console.print(f"revoked {info.key_id} ({info.role}, {info.name})")


@app.command(epilog="Example: TALENTA_HOME=/srv/talenta talenta serve --port 8000")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port")] = 8000,
    alias: Annotated[str, typer.Option(help="registry alias of the need model to serve")] = (
        "champion"
    ),
    # Off, the event loop (the busiest thread under load) has about a tenth less to do per
    # request; the store's access log of personal-data reads does not depend on it.
    access_log: Annotated[
        bool,
        typer.Option(help="print a line per request (reads are in the store's access log anyway)"),
    ] = True,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="worker processes (one per core); each follows the registry, so a reload or "
            "promotion reaches them all within seconds",
        ),
    ] = 1,
) -> None:
    """Serve the API (docs at /docs) on what TALENTA_HOME holds: the store, the champion model,
    the snapshot from `talenta score`."""
    import gc

    import uvicorn

    from ml.serving.app import create_app
    from ml.serving.state import build_state

    settings = get_settings()
    console.print(f"serving {settings.home} on http://{host}:{port} (docs: /docs); Ctrl+C stops")
    if workers > 1:
        import os

        from ml.serving.workers import ALIAS_VARIABLE, store_refuses_workers

        refused = store_refuses_workers(settings.store_url)
        if refused:
            raise _fail(f"--workers {workers}: {refused}", code=2)
        os.environ[ALIAS_VARIABLE] = alias  # the workers are new processes: they read it there
        uvicorn.run(
            "ml.serving.workers:app_for_worker",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level="info",
            access_log=access_log,
        )
        return
    # Everything loaded so far (the libraries, the model, the snapshot's catalogue) lives as
    # long as the process: frozen, the collector stops walking it, and a full collection under
    # load takes milliseconds instead of stalling every request for 100–300 ms.
    state = build_state(settings, alias)
    if state.models.current is None:  # serves anyway (/ready says why); say it here too
        err_console.print(f"[bold yellow]not ready:[/] {state.models.error}", soft_wrap=True)
    gc.collect()
    gc.freeze()
    # uvicorn picks uvloop and httptools (uvicorn[standard]) when they are installed
    uvicorn.run(
        create_app(settings, state=state, alias=alias),
        host=host,
        port=port,
        log_level="info",
        access_log=access_log,
    )


@app.command(epilog="Example: TALENTA_HOME=/tmp/talenta talenta demo --employees 5000")
def demo(
    employees: Annotated[int | None, typer.Option(help="workforce size")] = None,
    seed: Annotated[int | None, typer.Option(help="random seed")] = None,
    serve_api: Annotated[
        bool, typer.Option("--serve/--no-serve", help="serve the API when everything is built")
    ] = True,
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to serve on")] = 8000,
) -> None:
    """Generate a workforce under TALENTA_HOME/data/raw, validate and summarise it, build its
    features as of the end of the last period into TALENTA_HOME/data/processed, train both
    models into the MLflow store under TALENTA_HOME/models, promote them through the gates,
    score the workforce (data/processed/scores.parquet, and the snapshot the API serves into
    the store at data/talenta.db), audit its appraisals (data/processed/audit/, flags into the
    review trail), make one demo API key per role, and serve on 127.0.0.1:8000."""
    from ml.pipelines.demo import run_demo

    try:
        settings = get_settings()
        config = SynthConfig(
            employees=settings.demo_employees if employees is None else employees,
            seed=settings.demo_seed if seed is None else seed,
        )
    except (ValidationError, ValueError) as e:
        raise _fail(_settings_problem(e), 2) from None
    with _user_errors():
        result = run_demo(settings, config, steps, partial(_show_demo_stage, port=port))
    if serve_api:
        serve(host="127.0.0.1", port=port, alias=result.alias)


def _show_demo_stage(stage: object, port: int) -> None:
    """Print one stage of the demo as its own command would."""
    from ml.pipelines import audit, demo, featurise, generate, score, train
    from ml.recommend.unit import UnitPlan
    from ml.training.registry import Promotion

    match stage:
        case generate.Generated():
            _show_generated(stage)
        case demo.Validated(report=report):
            if not report.ok:
                _print_report(report, 50)
            else:
                console.print(f"[green]valid[/]: workforce in {report.data_dir}")
        case featurise.Featurised():
            gap = stage.features.competencies["gap"]
            console.print(
                f"wrote {stage.out}: {len(gap):,} employee-competency rows; deterministic gap "
                f"known for {gap.notna().mean():.0%}, positive for {(gap > 0).mean():.0%} "
                "(the unknown rest is where the training-need model is needed)"
            )
        case demo.WorkforceSummary(tables=tables):
            for title, frame in tables.items():
                console.print(frame_table(frame, title))
        case train.TrainingOutcome():
            _show_training(stage)
        case Promotion():
            _show_promotion(stage)
            if not stage.promoted:
                console.print(
                    "the demo scores with the challenger; at the default size (10,000) the "
                    "gates pass"
                )
        case score.Scored():
            _show_scored(stage)
        case audit.Audited():
            _show_audited(stage)
        case UnitPlan():
            _show_plan(stage, get_settings().processed_dir / "sample_plan.csv")
        case demo.DemoKeys():
            _show_demo_keys(stage, port)


def _show_demo_keys(made: DemoKeys, port: int) -> None:
    """One key per role, printed with a ready-to-paste request."""
    console.print("[bold]demo API keys[/] (shown once, stored hashed):")
    for role, key in made.keys.items():
        console.print(f"  {role:<15} {key}", soft_wrap=True)
    console.print(
        "try:\n"
        f"  curl -H 'Authorization: Bearer {made.keys['planner']}' "
        f"http://127.0.0.1:{port}/api/v1/employees/{made.employee_id}/recommendations\n"
        f"  open http://127.0.0.1:{port}/ (the pages: log in with a key above)\n"
        f"  open http://127.0.0.1:{port}/docs (the API's documentation)",
        soft_wrap=True,
    )


def main() -> None:
    """The ``talenta`` command. A reader that stops early (``talenta … --help | grep -q …``,
    ``| head``) is no failure: Rich and Click exit 1 on the closed pipe, which would fail the
    whole pipeline under ``set -o pipefail``."""
    try:
        app()
    except SystemExit as stop:
        if stop.code == 1 and isinstance(stop.__context__, BrokenPipeError):
            sys.exit(0)
        raise


if __name__ == "__main__":
    main()
