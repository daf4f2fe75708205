"""One conformance session: settings, contract, target, and what it leaves behind.

The pytest plugin drives a session through four steps: ``prepare`` (settings,
contract and report folder, before collection), ``start`` (embedded server,
target probe, entities), ``run_test`` once per item, and ``finish`` (cleanup,
``results.json`` and the summary).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.core.result import Err
from schemathesis.schemas import APIOperation

from conformance.catalogue import Catalogue
from conformance.checks import REGISTRATION_OPERATIONS
from conformance.config import Settings, embedded_accounts, resolve
from conformance.contract import Contract, OperationInfo, load_contract
from conformance.entities import (
    CleanupReport,
    Entities,
    cleanup_ledger,
    cleanup_previous_runs,
    discard_open_entries,
)
from conformance.errors import ConfigurationError, SpecError
from conformance.flows import FLOWS, FlowEnvironment, run_flow
from conformance.ledger import LEDGER_NAME, CreationTracker, Ledger
from conformance.reporting import write_bundle
from conformance.reporting.environment import dependency_versions, suite_commit
from conformance.reporting.loading import load_results
from conformance.reporting.merge import merge_results
from conformance.results import RunResults, TestResult, write_json
from conformance.runner import OperationTest, RunContext, modes_for
from conformance.safety import (
    SAFE_METHODS,
    ProfileSnapshots,
    ReadOnlyViolation,
    RestoreOutcome,
)
from conformance.target import Target

logger = logging.getLogger(__name__)

RESULTS_NAME = "results.json"


class ConformanceSession:
    """State shared by every test of one pytest session."""

    def __init__(
        self,
        settings: Settings,
        contract: Contract,
        catalogue: Catalogue,
        report_dir: Path,
        run_id: str,
    ) -> None:
        self.settings = settings
        self.contract = contract
        self.catalogue = catalogue
        self.report_dir = report_dir
        self.run_id = run_id
        self.results = RunResults()
        self.started = _now()
        self.server: Any = None
        self.context: RunContext | None = None
        self.cleanup = CleanupReport()
        self.previous_cleanup = CleanupReport()
        self.profiles: ProfileSnapshots | None = None
        self.restored: list[RestoreOutcome] = []
        self.flow_environment: FlowEnvironment | None = None
        self.worker: str | None = None
        self.summary: list[str] = []
        self.distributed = False
        self.run_metadata: dict[str, Any] = {"mode": settings.mode, "deselected": 0}

    @classmethod
    def prepare(
        cls, values: dict[str, Any], worker: str | None = None, parent_dir: Path | None = None
    ) -> ConformanceSession:
        """Resolve settings, load the contract and catalogue, and create the report folder.

        A pytest-xdist worker reports into a sub-folder of the controller's ``parent_dir``.
        """
        settings = resolve(values)
        contract = load_contract(
            settings.spec, allow_unknown_defects=settings.allow_unknown_defects
        )
        catalogue = Catalogue.load()
        run_id = uuid.uuid4().hex[:6]
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        if parent_dir is not None and worker is not None:
            report_dir = parent_dir / worker
        else:
            report_dir = settings.report_dir / (stamp if worker is None else f"{stamp}-{worker}")
        try:
            report_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(
                f"cannot create the report folder {report_dir}: {exc.strerror}; "
                "pass a writable folder to --report-dir"
            ) from None
        session = cls(settings, contract, catalogue, report_dir, run_id)
        session.worker = worker
        return session

    def modes(self, operation_key: str) -> list[str]:
        return modes_for(self.contract.operation(*operation_key.split(" ", 1)), self.contract)

    def start(self) -> None:
        """Start the embedded server if no base URL is set, probe the target, prepare entities."""
        settings = self.settings
        if settings.embedded:
            from conformance.server import ReferenceServer

            self.server = ReferenceServer(host="127.0.0.1", port=0, fault=settings.server_fault)
            self.server.start()
            base_url = self.server.base_url()
            business_base_url = self.server.base_url(site="inSPIRED-inTRONICS_Business-Site")
            settings.accounts = embedded_accounts(base_url, business_base_url)
        else:
            assert settings.base_url is not None
            base_url = settings.base_url
            business_base_url = settings.business_base_url or settings.base_url
        target = Target(settings, base_url, business_base_url)
        target.probe()
        schema = schemathesis.openapi.from_dict(self.contract.effective)
        operations: dict[str, APIOperation] = {}
        for result in schema.get_all_operations():
            if isinstance(result, Err):
                raise SpecError(
                    f"{self.contract.path}: Schemathesis cannot load an operation: {result.err()}"
                )
            operation = result.ok()
            operations[f"{operation.method.upper()} {operation.path}"] = operation
        ledger = Ledger(self.report_dir / LEDGER_NAME)
        target.tracker = CreationTracker(ledger, self.run_id, target.root_url)
        self.context = RunContext(
            settings=settings,
            contract=self.contract,
            catalogue=self.catalogue,
            operations=operations,
            target=target,
            entities=Entities(target, ledger, self.run_id),
            run_id=self.run_id,
        )
        self.flow_environment = FlowEnvironment(self.context)
        self._protect_shared_data(target)
        logger.info("conformance session %s started against %s", self.run_id, base_url)

    def _protect_shared_data(self, target: Target) -> None:
        """Remove what earlier runs left and snapshot the accounts' profiles (unless read-only).

        With pytest-xdist only the controller does this: it starts before the workers and
        finishes after them, so no worker's snapshot can contain another worker's change.
        """
        if self.settings.read_only or self.worker is not None:
            return
        if not self.settings.embedded:
            self.previous_cleanup = cleanup_previous_runs(
                self.settings.report_dir, self.report_dir, target
            )
        self.profiles = ProfileSnapshots(target)
        self.profiles.take()

    def run_test(self, operation_key: str, mode: str, test_id: str) -> TestResult:
        assert self.context is not None, "the session has not started"
        info = self.contract.operation(*operation_key.split(" ", 1))
        blocked = self._blocked(info)
        if blocked is not None:
            result = _not_run(info, mode, test_id, *blocked)
        else:
            try:
                result = OperationTest(self.context, info, mode, test_id).run()
            except ReadOnlyViolation as exc:
                result = _not_run(info, mode, test_id, "disabled", str(exc))
        self.results.add(result)
        return result

    def _blocked(self, info: OperationInfo) -> tuple[str, str] | None:
        if self.settings.read_only and info.method.upper() not in SAFE_METHODS:
            return "disabled", f"--icm-read-only is set: {info.method.upper()} changes data"
        if self.settings.reuse_customers and info.key in REGISTRATION_OPERATIONS:
            return "skipped", (
                "--icm-reuse-customers is set: registering creates a customer that the "
                "Customer REST API cannot delete"
            )
        return None

    def run_flow(self, name: str, test_id: str) -> TestResult:
        assert self.flow_environment is not None, "the session has not started"
        result = run_flow(FLOWS[name], self.flow_environment, test_id)
        self.results.add(result)
        return result

    def finish(self, exitstatus: int) -> None:
        """Remove what the run created, write ``results.json`` and stop the server."""
        try:
            if self.distributed:
                self._merge_worker_results()
            elif self.context is not None:
                self._clean_up()
                self._write_results()
        finally:
            self.stop()

    def _clean_up(self) -> None:
        """Write the profiles back, then delete what the ledger lists, newest first."""
        assert self.context is not None
        if self.settings.read_only:
            return
        target = self.context.target
        ledger = self.context.entities.ledger
        if self.profiles is not None:
            self.restored = self.profiles.restore()
        self.cleanup = cleanup_ledger(ledger, target)
        if self.settings.embedded:
            discard_open_entries(ledger, "the embedded server kept it in memory only")

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def _write_results(self) -> None:
        assert self.context is not None
        target = self.context.target
        self.results.metadata = {
            "run_id": self.run_id,
            "target": target.base_url,
            "business_target": target.business_base_url,
            "embedded_server": self.settings.embedded,
            "seed": self.settings.seed,
            "remaining_entities": [
                entry.url or entry.collection_url for entry in self.cleanup.remaining
            ],
            "undeletable_entities": self.cleanup.as_dict()["undeletable"],
            "cleanup": {
                **self.cleanup.as_dict(),
                "previous_runs": self.previous_cleanup.as_dict(),
            },
            "profiles_restored": [outcome.as_dict() for outcome in self.restored],
            "retries": target.retries.sent,
            "read_only": self.settings.read_only,
            **self.run_metadata,
            "suite_commit": suite_commit(),
            "dependencies": dependency_versions(),
        }
        data = self.results.to_json(
            contract=self.contract,
            requirements=list(self.catalogue.requirements),
            settings=self.settings.redacted(),
            started=self.started,
            finished=_now(),
            requests_sent=target.counter.sent,
        )
        self._publish(data)

    def _publish(self, data: dict[str, Any]) -> None:
        """Write results.json and the report bundle derived from it."""
        write_json(self.report_dir / RESULTS_NAME, data)
        write_bundle(self.report_dir, data, product_file=self.settings.product_file)
        self.summary = summary_lines(data, self.report_dir)

    def _merge_worker_results(self) -> None:
        """Merge the results.json of every pytest-xdist worker into the controller's folder."""
        shards = [
            (path.parent.name, load_results(path))
            for path in sorted(self.report_dir.glob("*/" + RESULTS_NAME))
        ]
        if not shards:
            logger.error("no pytest-xdist worker wrote results into %s", self.report_dir)
            return
        data = merge_results(shards)
        data["run"].update(
            {key: value for key, value in self.run_metadata.items() if key not in ("deselected",)}
        )
        self._publish(data)

    def header_lines(self) -> list[str]:
        lines = [
            f"icm-conformance: {self.contract.title} {self.contract.version} "
            f"({self.contract.path}), seed {self.settings.seed}, "
            f"{self.settings.examples} examples per operation and mode",
        ]
        if self.contract.defects:
            names = ", ".join(defect.name for defect in self.contract.defects)
            lines.append(f"icm-conformance: workarounds for published defects: {names}")
        if self.settings.embedded:
            lines.append("icm-conformance: target: embedded reference server")
        else:
            lines.append(f"icm-conformance: target: {self.settings.base_url}")
        return lines

    def summary_lines(self) -> list[str]:
        return self.summary


def summary_lines(data: dict[str, Any], report_dir: Path) -> list[str]:
    """Return the short plain-text summary printed at the end of a pytest run."""
    totals = data["totals"]
    lines = [
        f"icm-conformance: {data['verdict']}: {totals['passed']} passed, {totals['failed']} "
        f"failed, {totals['error']} errors, {totals['skipped']} skipped; "
        f"{data['run']['requests_sent']} requests",
    ]
    if data["broken_requirements"]:
        lines.append(
            "icm-conformance: broken requirements: " + ", ".join(data["broken_requirements"])
        )
    lines.extend(cleanup_lines(data["run"]))
    lines.append(f"icm-conformance: reports in {report_dir}")
    return lines


def cleanup_lines(run: dict[str, Any]) -> list[str]:
    """Return summary lines about data the run left on the target."""
    lines = []
    undeletable = run.get("undeletable_entities") or []
    if undeletable:
        lines.append(
            f"icm-conformance: {len(undeletable)} customer(s) registered by this run remain, "
            "because the Customer REST API cannot delete customers; on shared systems use "
            "--icm-reuse-customers with configured test accounts"
        )
    remaining = run.get("remaining_entities") or []
    if remaining:
        lines.append(
            f"icm-conformance: {len(remaining)} entities could not be removed; "
            "'icm-conformance cleanup' retries them"
        )
    failed = [item for item in run.get("profiles_restored") or [] if not item["restored"]]
    if failed:
        lines.append(
            "icm-conformance: not restored: "
            + ", ".join(f"{item['url']} ({item['note']})" for item in failed)
        )
    return lines


def _not_run(info: OperationInfo, mode: str, test_id: str, status: str, reason: str) -> TestResult:
    return TestResult(
        test_id=test_id,
        operation=info.key,
        operation_id=info.operation_id,
        tag=info.tag,
        mode=mode,
        status=status,
        reason=reason,
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
