"""What a running service holds: the store's repositories on one engine, the snapshot being
served, and the loaded champion model, which a reload swaps without stopping requests."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, text

from ml.config import Settings
from ml.pipelines.directory import Directory, DirectoryColumns
from ml.recommend.explain import NeedExplainer
from ml.store import ReviewTrail, make_engine, migrate, session_factory
from ml.store.keys import Keys
from ml.store.plans import Plans
from ml.store.snapshots import SnapshotInfo, Snapshots
from ml.training.registry import (
    APPRAISAL_MODEL,
    CHAMPION,
    NEED_MODEL,
    connect,
    load_model,
    versions,
)

logger = logging.getLogger(__name__)

# How long a request may be answered from the snapshot seen last: `talenta score` writing a new
# one is picked up within this many seconds, without a query per request.
SNAPSHOT_TTL_S = 5.0
# How long an API key that authenticated is trusted without asking the store again: a key
# revoked by `talenta keys revoke` (another process) is refused within this many seconds.
KEY_CACHE_TTL_S = 5.0


@dataclass(frozen=True)
class Loaded:
    """A loaded need model and which registry entry it is."""

    explainer: NeedExplainer
    name: str
    version: str
    alias: str
    run_id: str | None
    loaded_at: datetime


@dataclass(frozen=True)
class Served:
    """The snapshot being served and its programme catalogue, indexed for ranking."""

    info: SnapshotInfo
    programs: dict[str, dict[str, Any]]


class ModelSlot:
    """The model answering requests. A reload loads the new one beside the old and swaps the
    reference in one step: a request holds the ``Loaded`` it started with, so none is dropped
    or answered half by one version and half by another.

    Reloads are single-flight: one loads at a time, in a thread of its own (never one of the
    request workers), and a reload asked for while one is loading joins it and gets its
    outcome. Sixteen reload calls at once cost one load, not sixteen queued on the GIL."""

    def __init__(self, load: Callable[[], Loaded]) -> None:
        self._load = load
        self._lock = threading.Lock()  # guards _pending
        self._pending: Future[Loaded] | None = None
        self._current: Loaded | None = None
        self.error: str | None = None

    @property
    def current(self) -> Loaded | None:
        return self._current

    def start_reload(self) -> tuple[Future[Loaded], bool]:
        """The reload in flight, or a new one started; and whether this call started it."""
        with self._lock:
            if self._pending is not None:
                return self._pending, False
            pending: Future[Loaded] = Future()
            # running: a caller that stops waiting (its client went away) cannot cancel it
            # for the others
            pending.set_running_or_notify_cancel()
            self._pending = pending
        threading.Thread(
            target=self._run, args=(pending,), name="talenta-reload", daemon=True
        ).start()
        return pending, True

    def reload(self) -> Loaded:
        """Reload and wait for it (joining one in flight)."""
        return self.start_reload()[0].result()

    def follow(self, every_s: float) -> Callable[[], None]:
        """Reload every ``every_s`` seconds, in a thread of its own, until the returned
        function is called. With several worker processes (``talenta serve --workers``) a
        reload asked of one worker, or a promotion made by ``talenta promote``, reaches the
        others this way: while the alias still names the version loaded, a reload costs one
        registry read (see ``build_state``). A failed look-up keeps the model serving."""
        stopped = threading.Event()

        def run() -> None:
            while not stopped.wait(every_s):
                with contextlib.suppress(Exception):  # recorded in self.error; /ready says it
                    self.reload()

        threading.Thread(target=run, name="talenta-follow", daemon=True).start()
        return stopped.set

    def _run(self, pending: Future[Loaded]) -> None:
        try:
            loaded = self._load()
        except BaseException as error:  # the old model keeps serving; say why
            self.error = f"{type(error).__name__}: {error}"
            outcome: Loaded | BaseException = error
        else:
            self._current, self.error = loaded, None
            outcome = loaded
        with self._lock:
            self._pending = None  # before the outcome: a caller told of it may reload again
        if isinstance(outcome, BaseException):
            pending.set_exception(outcome)
        else:
            pending.set_result(outcome)


@dataclass
class ServingState:
    engine: Engine
    keys: Keys
    trail: ReviewTrail
    snapshots: Snapshots
    models: ModelSlot
    registry: Any  # MlflowClient, made once: MLflow's URIs are fixed for the process
    plans: Plans
    _served: Served | None = None
    _checked: float = field(default=-1e9)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _directory: tuple[str, Directory] | None = None
    _directory_lock: threading.Lock = field(default_factory=threading.Lock)

    def directory(self, served: Served) -> Directory:
        """The people and units of ``served``, built on first use and kept until another
        snapshot is served (one at a time: concurrent first searches wait for one build)."""
        held = self._directory
        if held is not None and held[0] == served.info.snapshot_id:
            return held[1]
        with self._directory_lock:
            held = self._directory
            if held is None or held[0] != served.info.snapshot_id:
                built = self._read_directory(served.info.snapshot_id)
                held = (served.info.snapshot_id, built)
                self._directory = held
        return held[1]

    def _read_directory(self, snapshot_id: str) -> Directory:
        """Stored with the snapshot by `talenta score`. A snapshot written without one (a
        store from before revision 0007): collected from its profiles once, and stored for
        the other workers and later starts."""
        body = self.snapshots.directory(snapshot_id)
        if body is not None:
            return Directory.from_body(body)
        columns = DirectoryColumns()
        for employee_id, unit_id, profile in self.snapshots.profiles(snapshot_id):
            columns.add(employee_id, unit_id, profile)
        self.snapshots.keep_directory(snapshot_id, columns.body())
        return Directory(columns)

    def registered(self) -> list[dict[str, Any]]:
        """Both models' registered versions (metrics, aliases), read from the registry."""
        return [
            {"name": name, "versions": versions(self.registry, name)}
            for name in (NEED_MODEL, APPRAISAL_MODEL)
        ]

    def fresh(self) -> bool:
        """Whether ``served()`` would answer from memory (no query) now."""
        return time.monotonic() - self._checked < SNAPSHOT_TTL_S

    def served(self) -> Served | None:
        """The newest snapshot, looked up at most every ``SNAPSHOT_TTL_S`` seconds."""
        now = time.monotonic()
        if now - self._checked < SNAPSHOT_TTL_S:
            return self._served
        with self._lock:
            if now - self._checked >= SNAPSHOT_TTL_S:
                info = self.snapshots.latest()
                if info is None:
                    self._served = None
                elif self._served is None or self._served.info.snapshot_id != info.snapshot_id:
                    self._served = Served(info, self.snapshots.programs(info.snapshot_id))
                self._checked = time.monotonic()
        return self._served

    def store_reachable(self) -> str | None:
        """None, or why the store cannot be read: the kind of error only, since /ready answers
        anyone and a driver's message can name the host and user; the server log has it all."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:
            logger.warning("store unreachable: %s", error)
            return f"unreachable ({type(error).__name__}; the server log has the details)"
        return None


def build_state(settings: Settings, alias: str = CHAMPION) -> ServingState:
    """The state for ``settings``: the store migrated, the model loaded if one has ``alias``
    (otherwise the service starts, is not ready, and says why)."""
    migrate(settings.store_url)
    engine = make_engine(settings.store_url)
    sessions = session_factory(engine)
    client = connect(settings)

    def load() -> Loaded:
        current = models.current
        # The alias still names the version serving: nothing to load (a reload storm, or a
        # reload after a promotion that was refused, costs one registry read).
        if (
            current is not None
            and str(client.get_model_version_by_alias(NEED_MODEL, alias).version) == current.version
        ):
            return current
        bundle, version = load_model(client, NEED_MODEL, alias)
        return Loaded(
            NeedExplainer(bundle),
            NEED_MODEL,
            str(version.version),
            alias,
            version.run_id,
            datetime.now(UTC),
        )

    models = ModelSlot(load)
    with contextlib.suppress(Exception):  # recorded in models.error; /ready reports it
        models.reload()
    return ServingState(
        engine=engine,
        keys=Keys(sessions, cache_ttl_s=KEY_CACHE_TTL_S),
        trail=ReviewTrail(sessions),
        snapshots=Snapshots(sessions),
        models=models,
        registry=client,
        plans=Plans(sessions),
    )
