"""``talenta``: the command line (DESIGN §6). Commands validate their options, call one function
of the package and render the result; the work itself lives in the modules they call."""

from __future__ import annotations

import sys
from collections.abc import Callable
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
from ml.synth import SynthConfig, Workforce, generate_workforce, write_workforce
from ml.synth.generator import progress_steps

if TYPE_CHECKING:
    from ml.features import FeatureSet
    from ml.training.gates import GateResult, Gates

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
) -> None:
    """Generate a synthetic workforce with its ground truth (DESIGN §3)."""
    if fmt not in ("csv", "parquet"):
        raise _fail(f"--format must be csv or parquet, not {fmt!r}", 2)
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
    workforce = _generate(config, out, fmt)  # type: ignore[arg-type]
    sizes = ", ".join(f"{name} {len(frame):,}" for name, frame in workforce.tables.items())
    console.print(f"wrote {out}: {sizes}")


def _generate(config: SynthConfig, out: Path, fmt: Format) -> Workforce:
    with steps(f"generating {config.employees:,} employees", progress_steps(config)) as advance:
        workforce = generate_workforce(config, advance)
        write_workforce(workforce, out, fmt, advance)
    return workforce


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
) -> None:
    """Rename and recode a real export into the data contract, then validate it."""
    try:
        result = ingest(src, mapping, out)
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
    """Point-in-time features of every employee: competency profiles from their history."""
    from ml.features import build_features
    from ml.features.io import FeatureInputError, load_tables, write_features

    date = _date(as_of)
    if engine not in ("pandas", "dask"):
        raise _fail(f"--engine must be pandas or dask, not {engine!r}", 2)
    with steps(f"features as of {date:%Y-%m-%d} ({engine})", 6) as advance:
        try:
            if engine == "dask":
                result = _features_on_dask(data_dir, date, scheduler, partitions, advance)
            else:
                advance("reading")
                tables = load_tables(data_dir)
                result = build_features(tables, date, progress=advance)
        except FeatureInputError as e:
            raise _fail(str(e)) from None
        advance("writing")
        write_features(result, out, employees_out)
    console.print(
        f"wrote {out}: {len(result.competencies):,} employee-competency rows, "
        f"{len(result.employees):,} employees"
    )


def _features_on_dask(
    data_dir: Path,
    as_of: pd.Timestamp,
    scheduler: str | None,
    partitions: int | None,
    advance: Callable[[str], None],
) -> FeatureSet:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise _fail("--engine dask needs the extra: pip install 'talenta[dask]'", 2) from None
    from ml.features.distributed import build_features_dask

    if scheduler:
        with Client(scheduler) as client:
            return build_features_dask(
                data_dir, as_of, client=client, n_partitions=partitions, progress=advance
            )
    with LocalCluster(processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        return build_features_dask(
            data_dir, as_of, client=client, n_partitions=partitions, progress=advance
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
    from ml.training.workflow import train_and_register

    thresholds = _gates(gates)
    if not data_dir.is_dir():
        raise _fail(f"{data_dir}: no such directory", 2)
    try:
        with steps("training", 6) as advance:
            outcome = train_and_register(data_dir, get_settings(), thresholds, seed, advance)
    except ValueError as e:
        raise _fail(str(e)) from None
    result, registered = outcome.result, outcome.registered
    summary = pd.DataFrame(outcome.summary, columns=["metric", "value"])
    console.print(frame_table(summary, "need model (test employees, after the training period)"))
    console.print(frame_table(_gate_frame(result.gate_results), "gates"))
    console.print(
        f"MLflow run {registered.run_id}: talenta-need v{registered.need_version}, "
        f"talenta-expected-appraisal v{registered.appraisal_version} → alias challenger; "
        f"model card: {outcome.card_path}"
    )
    if promote and not _promote(registered.need_version, thresholds):
        raise typer.Exit(1)


def _gate_frame(results: list[GateResult]) -> pd.DataFrame:
    return pd.DataFrame(
        [("passed" if g.passed else "FAILED", g.name, g.message) for g in results],
        columns=["result", "gate", "detail"],
    )


def _promote(version: str | None, thresholds: Gates) -> bool:
    """Promote through the gates; print the outcome and return whether champion moved."""
    from ml.training.registry import RegistryError, connect, promote

    try:
        outcome = promote(connect(get_settings()), version, thresholds)
    except RegistryError as e:
        raise _fail(str(e)) from None
    if not outcome.promoted:
        console.print(frame_table(_gate_frame(outcome.gates), "gates"))
        failed = "; ".join(g.message for g in outcome.gates if not g.passed)
        err_console.print(
            f"[bold red]not promoted:[/] talenta-need v{outcome.need_version}, "
            f"`champion` unchanged: {failed}",
            soft_wrap=True,
        )
        return False
    console.print(
        f"[green]champion[/]: talenta-need v{outcome.need_version}, "
        f"talenta-expected-appraisal v{outcome.appraisal_version}"
    )
    return True


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
    as_of: Annotated[
        str | None, typer.Option(help="date (YYYY-MM-DD); default: the day after the last period")
    ] = None,
    alias: Annotated[str, typer.Option(help="registry alias of the model to use")] = "champion",
    explain_top: Annotated[
        int, typer.Option(min=0, help="explain each employee's N most likely needs")
    ] = 3,
    store: Annotated[
        bool,
        typer.Option(help="also materialise profiles and features into the store for the API"),
    ] = True,
) -> None:
    """Need probability, deterministic gap and (for each employee's top needs) the reasons from
    exact TreeSHAP, per employee and competency; and, unless --no-store, the snapshot the API
    serves (profiles, model inputs, programme effects) into the store."""
    from ml.features import build_features
    from ml.features.io import FeatureInputError, load_tables
    from ml.recommend.unit import ALL_COLUMNS
    from ml.training.registry import NEED_MODEL, RegistryError, connect, load_model
    from ml.training.score import latest_as_of, require_tables, score_workforce

    if out.suffix not in (".parquet", ".csv"):
        raise _fail(f"--out must end in .parquet or .csv, not {out.name!r}", 2)
    try:
        bundle, version = load_model(connect(get_settings()), NEED_MODEL, alias)
    except RegistryError as e:
        raise _fail(str(e)) from None
    with steps(f"scoring with {NEED_MODEL} v{version.version} (@{alias})", 8) as advance:
        try:
            advance("reading")
            tables = load_tables(data_dir, ALL_COLUMNS)
            date = _date(as_of) if as_of else latest_as_of(tables)
            require_tables(tables, ("position_requirements", "competency_assessments"), "scoring")
            # built once: for the scores and for the snapshot the API serves
            features = build_features(tables, date, progress=advance)
            scores = score_workforce(
                tables, bundle, date, explain_top=explain_top, progress=advance, features=features
            )
        except (FeatureInputError, ValueError) as e:
            raise _fail(str(e)) from None
        scores = scores.assign(model=NEED_MODEL, model_version=str(version.version))
        advance("writing")
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix == ".parquet":
            scores.to_parquet(out, index=False)
        else:
            scores.to_csv(out, index=False)
    console.print(
        f"wrote {out}: {len(scores):,} employee-competency rows as of {date:%Y-%m-%d}, "
        f"{int(scores['explained'].sum()):,} explained"
    )
    if store:
        _materialise(tables, date, data_dir, features)


def _materialise(
    tables: dict[str, pd.DataFrame], date: pd.Timestamp, data_dir: Path, features: FeatureSet
) -> None:
    from ml.features.io import FeatureInputError
    from ml.serving.materialise import materialise
    from ml.store.snapshots import Snapshots

    settings = get_settings()
    with steps("materialising the snapshot the API serves", 8) as advance:
        try:
            built = materialise(tables, date, progress=advance, features=features)
        except (FeatureInputError, ValueError) as e:
            raise _fail(str(e)) from None
        advance(f"writing {len(built.employees):,} employees to the store")
        info = Snapshots.from_url(settings.store_url).write(
            date.date(), str(data_dir), built.employees, built.programs
        )
    console.print(
        f"stored snapshot {info.snapshot_id[:8]} in {settings.store_url}: {info.employees:,} "
        f"employees, {len(built.programs):,} programmes, as of {info.as_of:%Y-%m-%d}"
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
) -> None:
    """Audit the appraisals: rater leniency and severity, differential rater functioning,
    group disparity after the evidence, single scores far from it, predikat against the rule
    and the distribution curve; flags go to the review trail for the merit committee."""
    from sqlalchemy.exc import SQLAlchemyError

    from ml.contract import protected
    from ml.fairness.audit import AuditConfig, run_audit
    from ml.fairness.coverage import summary_lines
    from ml.fairness.flags import flag_records
    from ml.fairness.report import write_report
    from ml.features.io import FeatureInputError
    from ml.store.repository import ReviewTrail

    if not data_dir.is_dir():
        raise _fail(f"{data_dir}: no such directory", 2)
    with steps("audit", 14) as advance:
        try:
            config = AuditConfig(role=role, attributes=tuple(attribute or protected.ATTRIBUTES))
            result = run_audit(data_dir, config, progress=advance)
        except (FeatureInputError, ValueError) as e:
            raise _fail(str(e)) from None
        advance("writing the report")
        try:
            paths = write_report(result, out)
        except OSError as e:
            raise _fail(f"cannot write the report to {out}: {e.strerror or e}") from None
        if store:
            advance("recording flags")
            try:
                trail = ReviewTrail.from_url(get_settings().store_url)
                run_id = trail.start_run(by, str(data_dir.resolve()), {"out": str(out)})
                recorded = trail.record_flags(run_id, flag_records(result))
            except SQLAlchemyError as e:
                raise _fail(f"the review trail could not be written: {e.__class__.__name__}: "
                            f"{str(e).splitlines()[0]}") from None  # fmt: skip
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
    console.print(f"report: {paths['report']}")
    if store:
        console.print(
            f"review trail: run {run_id}, {recorded.new:,} new flags, "
            f"{recorded.seen_again:,} seen before"
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
    from ml.features.io import FeatureInputError
    from ml.recommend.plan import PlanError, PlanLimits, rupiah
    from ml.recommend.unit import plan_for_unit
    from ml.training.registry import NEED_MODEL, RegistryError, connect, load_model

    try:
        limits = PlanLimits(budget_idr=budget_idr, max_jp_per_person=max_jp_per_person)
        bundle, _ = load_model(connect(get_settings()), NEED_MODEL, alias)
    except (PlanError, RegistryError) as e:
        raise _fail(str(e), 2) from None
    with steps(f"plan for {unit}", 6) as advance:
        try:
            result = plan_for_unit(data_dir, unit, limits, bundle, year, advance)
        except (FeatureInputError, PlanError, ValueError) as e:
            raise _fail(str(e)) from None
    chosen = result.plan
    assignments = chosen.assignments
    if len(assignments):
        shown = assignments.assign(cost_idr=assignments["cost_idr"].map(rupiah))
        console.print(frame_table(shown.head(40), f"plan for {unit} ({len(assignments)} places)"))
    people = chosen.per_person
    short = people[people["short_of_minimum"] > 0]
    if len(short):
        console.print(frame_table(short.head(20), "still short of 20 JP, and why"))
    for sentence in chosen.explanation:
        console.print(sentence, soft_wrap=True)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        assignments.to_csv(out, index=False)
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
) -> None:
    """Make a key; the key itself is printed alone on the last line and never again."""
    from ml.store.keys import ApiKeyError, Keys

    try:
        made = Keys.from_url(get_settings().store_url).create(role, name or role)
    except ApiKeyError as e:
        raise _fail(str(e), 2) from None
    err_console.print(
        f"key {made.info.key_id} for role {made.info.role} ({made.info.name}); "
        "keep it secret, it is shown only now:"
    )
    typer.echo(made.key)


@keys_app.command(name="list", epilog="Example: talenta keys list")
def keys_list() -> None:
    """Every key's id, role, name, and when it was made or revoked (never the key)."""
    from ml.store.keys import Keys

    rows = Keys.from_url(get_settings().store_url).all()
    frame = pd.DataFrame(
        [(k.key_id, k.role, k.name, f"{k.created_at:%Y-%m-%d %H:%M}",
          "" if k.revoked_at is None else f"{k.revoked_at:%Y-%m-%d %H:%M}") for k in rows],
        columns=["key_id", "role", "name", "created", "revoked"],
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
) -> None:
    """Serve the API (docs at /docs) on what TALENTA_HOME holds: the store, the champion model,
    the snapshot from `talenta score`."""
    import gc

    import uvicorn

    from ml.serving.app import create_app
    from ml.serving.state import build_state

    settings = get_settings()
    console.print(f"serving {settings.home} on http://{host}:{port} (docs: /docs); Ctrl+C stops")
    # Everything loaded so far (the libraries, the model, the snapshot's catalogue) lives as
    # long as the process: frozen, the collector stops walking it, and a full collection under
    # load takes milliseconds instead of stalling every request for 100–300 ms.
    state = build_state(settings, alias)
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
    from ml.features import build_features
    from ml.features.io import write_features
    from ml.summary import workforce_summary

    try:
        settings = get_settings()
        config = SynthConfig(
            employees=settings.demo_employees if employees is None else employees,
            seed=settings.demo_seed if seed is None else seed,
        )
    except (ValidationError, ValueError) as e:
        raise _fail(_settings_problem(e), 2) from None
    raw = settings.raw_dir
    _generate(config, raw, "csv")
    report = validate_directory(raw, require=("appraisals", "competency_assessments"))
    if not report.ok:
        _print_report(report, 50)
        raise _fail(f"the generated workforce in {raw} does not validate")
    console.print(f"[green]valid[/]: workforce in {raw}")
    tables = report.frames()
    # the day after the last period: its appraisals are final (ml/features/point_in_time.py)
    as_of = pd.Timestamp(f"{config.end_year + 1}-01-01")
    out = settings.processed_dir / "features.parquet"
    with steps(f"features as of {as_of:%Y-%m-%d}", 4) as advance:
        features = build_features(tables, as_of, progress=advance)
        write_features(features, out, settings.processed_dir / "employee_features.parquet")
    for title, frame in workforce_summary(tables, features).items():
        console.print(frame_table(frame, title))
    gap = features.competencies["gap"]
    console.print(
        f"wrote {out}: {len(gap):,} employee-competency rows; deterministic gap known for "
        f"{gap.notna().mean():.0%}, positive for {(gap > 0).mean():.0%} "
        "(the unknown rest is where the training-need model is needed)"
    )
    train(raw, promote=False, gates=None, seed=0)
    alias = "champion"
    if not _promote(None, _gates(None)):
        # A small workforce leaves a small test set, whose ECE and R² are noisy: show the
        # scores of the refused model rather than none, and say so.
        alias = "challenger"
        console.print(
            "the demo scores with the challenger; at the default size (10,000) the gates pass"
        )
    score(raw, out=settings.processed_dir / "scores.parquet", as_of=None, alias=alias,
          explain_top=3)  # fmt: skip
    audit(raw, out=settings.processed_dir / "audit", store=True, by="talenta demo", role="ATASAN")
    _sample_plan(raw, alias)
    _demo_keys(port)
    if serve_api:
        serve(host="127.0.0.1", port=port, alias=alias)


def _demo_keys(port: int) -> None:
    """One key per role, printed with a ready-to-paste request."""
    from ml.store.keys import ROLES, Keys

    keys = Keys.from_url(get_settings().store_url)
    made = {role: keys.create(role, f"demo {role}").key for role in ROLES}
    console.print("[bold]demo API keys[/] (shown once, stored hashed):")
    for role, key in made.items():
        console.print(f"  {role:<15} {key}", soft_wrap=True)
    employee = pd.read_csv(get_settings().raw_dir / "employees.csv", usecols=["employee_id"],
                           dtype=str, nrows=1)["employee_id"].iloc[0]  # fmt: skip
    console.print(
        "try:\n"
        f"  curl -H 'Authorization: Bearer {made['planner']}' "
        f"http://127.0.0.1:{port}/api/v1/employees/{employee}/recommendations\n"
        f"  open http://127.0.0.1:{port}/ (the pages: log in with a key above)\n"
        f"  open http://127.0.0.1:{port}/docs (the API's documentation)",
        soft_wrap=True,
    )


def _sample_plan(raw: Path, alias: str) -> None:
    """The demo's sample plan: the largest unit, with Rp 2.5 million per employee."""
    employees = pd.read_csv(raw / "employees.csv", usecols=["unit_id"])
    unit, size = (
        employees["unit_id"].value_counts().index[0],
        employees["unit_id"].value_counts().iloc[0],
    )
    plan(raw, unit=str(unit), budget_idr=2_500_000.0 * size, max_jp_per_person=80.0, year=None,
         out=get_settings().processed_dir / "sample_plan.csv", alias=alias)  # fmt: skip


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
