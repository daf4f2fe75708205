"""The pytest plugin: options, the session set-up and the generated test items.

The plugin is registered through the ``pytest11`` entry point, so every pytest
run in an environment with the package installed sees the ``--icm-*``
options. The suite itself runs only when asked: ``pytest --icm`` (against the
embedded reference server) or ``pytest --icm-base-url URL``. Then the plugin
collects one item per operation and mode, with ids such as
``customer-1.2.1::Address::createAddress::positive`` that ``-k`` matches.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from conformance.config import OPTIONS, Settings, values_from_environment
from conformance.errors import ConformanceError

if TYPE_CHECKING:
    # The session pulls in Schemathesis; importing it lazily keeps plain pytest runs fast.
    from conformance.session import ConformanceSession

logger = logging.getLogger(__name__)

SESSION_KEY = pytest.StashKey["ConformanceSession"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("icm-conformance", "ICM Customer REST API conformance")
    group.addoption(
        "--icm",
        action="store_true",
        default=False,
        help="Run the conformance suite (against the embedded reference server unless "
        "--icm-base-url is given).",
    )
    for option in OPTIONS:
        kwargs: dict[str, Any] = {"dest": option.dest, "help": option.help}
        if option.flag:
            kwargs.update(action="store_const", const=True, default=None)
        else:
            kwargs.update(default=None, metavar=option.name.upper().replace("-", "_"))
        group.addoption(f"--icm-{option.name}", **kwargs)
        if not option.secret:
            parser.addini(option.ini, f"{option.help} (ini twin of --icm-{option.name})")


def is_active(config: pytest.Config) -> bool:
    """Return whether this pytest run executes the conformance suite."""
    return bool(config.getoption("icm") or config.getoption("icm_base_url"))


def collect_values(config: pytest.Config) -> dict[str, Any]:
    """Merge option values: command line over environment over ini."""
    values: dict[str, Any] = {}
    for option in OPTIONS:
        if not option.secret:
            ini_value = config.getini(option.ini)
            if ini_value not in (None, "", []):
                values[option.name] = ini_value
    values.update(values_from_environment())
    for option in OPTIONS:
        given = config.getoption(option.dest)
        if given is not None:
            values[option.name] = given
    return values


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "icm_conformance: a generated conformance test")
    if not is_active(config):
        return
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        # Without explicit paths pytest would also collect the current folder's tests.
        config.args = []
    from conformance.session import ConformanceSession

    values = collect_values(config)
    worker_input = getattr(config, "workerinput", None)
    parent_dir = None
    if worker_input and "icm_seed" in worker_input:
        # pytest-xdist workers share the controller's seed and report into its folder.
        values["seed"] = worker_input["icm_seed"]
        parent_dir = Path(worker_input["icm_report_dir"])
    try:
        session = ConformanceSession.prepare(
            values, worker=_worker_id(config), parent_dir=parent_dir
        )
    except ConformanceError as exc:
        raise pytest.UsageError(str(exc)) from None
    if session.settings.mode == "certification":
        _refuse_selection(config)
    session.distributed = _is_xdist_controller(config)
    session.run_metadata.update(
        keyword=config.getoption("keyword") or None,
        split=_split(config),
    )
    config.stash[SESSION_KEY] = session
    if getattr(config.option, "xmlpath", None) is None:
        config.option.xmlpath = str(session.report_dir / "junit.xml")
    config.pluginmanager.register(ConformanceHooks(session), "icm-conformance-session")


def _refuse_selection(config: pytest.Config) -> None:
    """Certification runs every test of the catalogue; a selection would hide failures."""
    for option, flag in (("keyword", "-k"), ("markexpr", "-m")):
        if config.getoption(option, None):
            raise pytest.UsageError(
                f"certification mode runs the whole suite; drop {flag} {config.getoption(option)!r}"
            )
    if config.getoption("splits", None):
        return  # shards of one run; `icm-conformance merge` checks that every group ran


def _is_xdist_controller(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "numprocesses", None)) and _worker_id(config) is None


def _split(config: pytest.Config) -> dict[str, int] | None:
    splits = config.getoption("splits", None)
    if not splits:
        return None
    return {"splits": int(splits), "group": int(config.getoption("group", 0) or 0)}


def _worker_id(config: pytest.Config) -> str | None:
    worker_input = getattr(config, "workerinput", None)
    return worker_input.get("workerid") if worker_input else None


class ConformanceHooks:
    """Hooks that exist only while the suite runs."""

    def __init__(self, session: ConformanceSession) -> None:
        self.session = session

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Hand the seed and the report folder to each pytest-xdist worker."""
        node.workerinput["icm_seed"] = self.session.settings.seed
        node.workerinput["icm_report_dir"] = str(self.session.report_dir)

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        metadata = self.session.run_metadata
        metadata["deselected"] = metadata.get("deselected", 0) + len(items)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if self.session.distributed:
            return  # the workers test; the controller only merges their results
        try:
            self.session.start()
        except ConformanceError as exc:
            self.session.stop()
            # pytest uses 2 for an interrupted run, so a configuration error leaves with
            # pytest's usage-error code; `icm-conformance run` maps it back to 2.
            code = pytest.ExitCode.USAGE_ERROR if exc.exit_code == 2 else exc.exit_code
            pytest.exit(f"icm-conformance: {exc}", returncode=code)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        spec_node = SpecNode.from_parent(
            session, name=self.session.contract.slug, nodeid=self.session.contract.slug
        )
        items.extend(_generate_items(spec_node))
        self.session.run_metadata["collected"] = len(items)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.session.finish(exitstatus)

    def pytest_terminal_summary(self, terminalreporter: Any, exitstatus: int) -> None:
        for line in self.session.summary_lines():
            terminalreporter.write_line(line)

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        return self.session.header_lines()


def _generate_items(node: pytest.Collector) -> Iterator[pytest.Item]:
    for child in node.collect():
        if isinstance(child, pytest.Item):
            yield child
        else:
            assert isinstance(child, pytest.Collector)
            yield from _generate_items(child)


class SpecNode(pytest.Collector):
    """The contract under test, e.g. ``customer-1.2.1``; its children are the tags."""

    def collect(self) -> list[pytest.Collector]:
        session = self.config.stash[SESSION_KEY]
        tags = list(dict.fromkeys(info.tag for info in session.contract.operations))
        nodes: list[pytest.Collector] = [
            TagNode.from_parent(self, name=tag.replace(" ", "-")) for tag in tags
        ]
        return [*nodes, FlowsNode.from_parent(self, name="Flows")]


class TagNode(pytest.Collector):
    """The operations of one tag, e.g. ``Address``."""

    def collect(self) -> list[pytest.Collector]:
        session = self.config.stash[SESSION_KEY]
        return [
            OperationNode.from_parent(self, name=info.operation_id, operation_key=info.key)
            for info in session.contract.operations
            if info.tag.replace(" ", "-") == self.name
        ]


class OperationNode(pytest.Collector):
    """One operation; its children are the test modes that apply to it."""

    def __init__(self, *, operation_key: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.operation_key = operation_key

    def collect(self) -> list[pytest.Item]:
        session = self.config.stash[SESSION_KEY]
        return [
            ConformanceItem.from_parent(self, name=mode, operation_key=self.operation_key)
            for mode in session.modes(self.operation_key)
        ]


class ConformanceItem(pytest.Item):
    """One operation tested in one mode."""

    def __init__(self, *, operation_key: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.operation_key = operation_key
        # The full id as a keyword lets `-k customer-1.2.1::Address::createAddress` select it.
        self.extra_keyword_matches.add(self.nodeid)
        self.add_marker(pytest.mark.icm_conformance)

    def runtest(self) -> None:
        session = self.config.stash[SESSION_KEY]
        result = session.run_test(self.operation_key, self.name, self.nodeid)
        raise_for_result(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ConformanceFailure):
            return excinfo.value.render()
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        session = self.config.stash[SESSION_KEY]
        return session.contract.path, 0, self.nodeid


class FlowsNode(pytest.Collector):
    """The stateful flows, e.g. ``customer-1.2.1::Flows::private-register-address::flow``."""

    def collect(self) -> list[pytest.Collector]:
        from conformance.flows import FLOWS

        return [FlowNode.from_parent(self, name=name) for name in FLOWS]


class FlowNode(pytest.Collector):
    """One flow; its only child is the item that runs it."""

    def collect(self) -> list[pytest.Item]:
        return [FlowItem.from_parent(self, name="flow")]


class FlowItem(ConformanceItem):
    """One stateful flow, run with generated data."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(operation_key="", **kwargs)

    def runtest(self) -> None:
        session = self.config.stash[SESSION_KEY]
        assert self.parent is not None
        raise_for_result(session.run_flow(self.parent.name, self.nodeid))


def raise_for_result(result: Any) -> None:
    """Turn a test result into pytest's outcome: skip, failure or pass."""
    if result.status == "skipped":
        pytest.skip(result.reason)
    if result.status == "disabled":
        pytest.skip(f"disabled: {result.reason}")
    if result.status in ("failed", "error"):
        raise ConformanceFailure(result)


class ConformanceFailure(Exception):
    """Raised by a test whose target broke the contract or could not be tested."""

    def __init__(self, result: Any) -> None:
        super().__init__(result.test_id)
        self.result = result

    def render(self) -> str:
        result = self.result
        lines = []
        for failure in result.failures:
            lines.append(
                f"[{', '.join(failure.requirements)}] {failure.title} "
                f"({failure.check}, HTTP {failure.status_code}, {failure.occurrences}x)"
            )
            lines.extend("    " + line for line in failure.message.splitlines())
            lines.append(f"    Reproduce: {failure.curl}")
            lines.append("")
        for error in result.errors:
            lines.append(f"[error] {error}")
        return "\n".join(lines)


def new_run_id() -> str:
    """Return a short id that marks everything one run creates."""
    return dt.datetime.now(dt.UTC).strftime("%m%d%H%M") + uuid.uuid4().hex[:4]


__all__ = ["Settings", "is_active", "new_run_id"]
