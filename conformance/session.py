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
from schemathesis.schemas import APIOperation

from conformance.catalogue import Catalogue
from conformance.config import Settings, embedded_accounts, resolve
from conformance.contract import Contract, load_contract
from conformance.entities import Entities, cleanup_ledger
from conformance.ledger import LEDGER_NAME, Ledger
from conformance.results import RunResults, TestResult, write_json
from conformance.runner import OperationTest, RunContext, modes_for
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
        self.remaining_entities: list[Any] = []
        self.summary: list[str] = []

    @classmethod
    def prepare(cls, values: dict[str, Any], worker: str | None = None) -> ConformanceSession:
        """Resolve settings, load the contract and catalogue, and create the report folder."""
        settings = resolve(values)
        contract = load_contract(
            settings.spec, allow_unknown_defects=settings.allow_unknown_defects
        )
        catalogue = Catalogue.load()
        run_id = uuid.uuid4().hex[:6]
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        name = stamp if worker is None else f"{stamp}-{worker}"
        report_dir = settings.report_dir / name
        report_dir.mkdir(parents=True, exist_ok=True)
        return cls(settings, contract, catalogue, report_dir, run_id)

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
            operation = result.ok()
            operations[f"{operation.method.upper()} {operation.path}"] = operation
        ledger = Ledger(self.report_dir / LEDGER_NAME)
        self.context = RunContext(
            settings=settings,
            contract=self.contract,
            catalogue=self.catalogue,
            operations=operations,
            target=target,
            entities=Entities(target, ledger, self.run_id),
            run_id=self.run_id,
        )
        logger.info("conformance session %s started against %s", self.run_id, base_url)

    def run_test(self, operation_key: str, mode: str, test_id: str) -> TestResult:
        assert self.context is not None, "the session has not started"
        info = self.contract.operation(*operation_key.split(" ", 1))
        result = OperationTest(self.context, info, mode, test_id).run()
        self.results.add(result)
        return result

    def finish(self, exitstatus: int) -> None:
        """Remove what the run created, write ``results.json`` and stop the server."""
        try:
            if self.context is not None:
                self.remaining_entities = cleanup_ledger(
                    self.context.entities.ledger, self.context.target
                )
                self._write_results()
        finally:
            self.stop()

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
            "remaining_entities": [entry.url for entry in self.remaining_entities],
        }
        data = self.results.to_json(
            contract=self.contract,
            requirements=list(self.catalogue.requirements),
            settings=self.settings.redacted(),
            started=self.started,
            finished=_now(),
            requests_sent=target.counter.sent,
        )
        write_json(self.report_dir / RESULTS_NAME, data)
        self.summary = summary_lines(data, self.report_dir)

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
    lines.append(f"icm-conformance: reports in {report_dir}")
    return lines


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
