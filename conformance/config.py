"""Settings of a conformance run, read from options, environment variables and ini keys.

Each setting has a command-line option ``--icm-NAME``, an environment variable
``ICM_NAME`` and, except for secrets, an ini key ``icm_name`` (``pytest.ini``,
``tox.ini`` or ``[tool.pytest.ini_options]`` in ``pyproject.toml``). The option
wins over the variable, the variable over the ini key. Passwords have no ini
key, so they never end up in a committed file.
"""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance.errors import ConfigurationError
from conformance.paths import default_spec_path

B2C_SITE = "inSPIRED-inTRONICS-Site"
B2B_SITE = "inSPIRED-inTRONICS_Business-Site"
AUTH_METHODS = ("basic", "token", "bearer")
# Demo accounts of the inSPIRED demo data, used only against the embedded server.
DEMO_PASSWORD = "!InterShop00!"
DEMO_ACCOUNTS = {
    "private": "patricia@test.intershop.de",
    "admin": "jlink@test.intershop.de",
    "buyer": "bboldner@test.intershop.de",
}


@dataclass(frozen=True, slots=True)
class Option:
    """One setting: its name, help text, type and whether it is a secret."""

    name: str
    help: str
    kind: type = str
    default: Any = None
    secret: bool = False
    flag: bool = False

    @property
    def env(self) -> str:
        return "ICM_" + self.name.upper().replace("-", "_")

    @property
    def ini(self) -> str:
        return "icm_" + self.name.replace("-", "_")

    @property
    def dest(self) -> str:
        return "icm_" + self.name.replace("-", "_")


OPTIONS: tuple[Option, ...] = (
    Option(
        "base-url",
        "Base URL of the target up to the app segment, e.g. "
        "https://host/INTERSHOP/rest/WFS/inSPIRED-inTRONICS-Site/-. "
        "Without it the embedded reference server is started.",
    ),
    Option(
        "business-base-url",
        "Base URL of the business (B2B) site; derived from --icm-base-url "
        "for the inSPIRED demo sites.",
    ),
    Option("spec", "OpenAPI file to test against (default: the bundled Customer REST API 1.2.1)."),
    Option("user", "Login of a private (B2C) customer."),
    Option("password", "Password of --icm-user.", secret=True),
    Option("admin-user", "Login of a business customer's admin (may manage users)."),
    Option("admin-password", "Password of --icm-admin-user.", secret=True),
    Option("buyer-user", "Login of a business buyer without the Manage Users permission."),
    Option("buyer-password", "Password of --icm-buyer-user.", secret=True),
    Option(
        "auth",
        "How requests authenticate: basic, token (authentication-token header) "
        "or bearer (token from POST {base}/token).",
        default="basic",
    ),
    Option("examples", "Generated cases per operation and mode.", kind=int, default=10),
    Option("seed", "Hypothesis seed; random and printed when not given.", kind=int),
    Option("timeout", "Timeout of one request, in seconds.", kind=float, default=10.0),
    Option(
        "rate-limit",
        "Maximum requests per second to the target (0: no limit).",
        kind=float,
        default=0.0,
    ),
    Option(
        "report-dir", "Folder that receives one sub-folder of reports per run.", default="reports"
    ),
    Option(
        "insecure",
        "Do not verify the target's TLS certificate.",
        kind=bool,
        flag=True,
        default=False,
    ),
    Option(
        "mode",
        "standard, or certification: the full catalogue with the fixed example budget and seed, "
        "no -k and no skips, for a certification report.",
        default="standard",
    ),
    Option("product-file", "Vendor product file (YAML) for certification.json."),
    Option(
        "server-fault",
        "Start the embedded reference server with this seeded fault "
        "(`icm-conformance serve --list-faults` lists them; used by the self-test).",
    ),
    Option(
        "read-only",
        "Send only GET, HEAD and OPTIONS to the target; tests that need writes are disabled.",
        kind=bool,
        flag=True,
        default=False,
    ),
    Option(
        "max-concurrency",
        "Maximum requests in flight at once from one suite process.",
        kind=int,
        default=4,
    ),
    Option(
        "retries",
        "Retries of a request answered with 429 or 503, waiting as Retry-After asks "
        "(at most 30 s per wait).",
        kind=int,
        default=3,
    ),
    Option(
        "reuse-customers",
        "Register no customers: flows use the configured accounts as the pool of test "
        "customers, and the registration operations are skipped.",
        kind=bool,
        flag=True,
        default=False,
    ),
    Option("flow-examples", "Generated data sets per stateful flow.", kind=int, default=1),
    Option(
        "expired-token",
        "An expired authentication-token of the private customer's site, for the "
        "expired-token checks against a real target.",
        secret=True,
    ),
    Option(
        "allow-unknown-defects",
        "Test against a spec with validator errors the suite does not know.",
        kind=bool,
        flag=True,
        default=False,
    ),
)


@dataclass(frozen=True, slots=True)
class Account:
    """A login the suite uses against one site of the target."""

    role: str
    login: str
    password: str = field(repr=False)
    base_url: str


@dataclass
class Settings:
    """Resolved settings of one run."""

    base_url: str | None
    business_base_url: str | None
    spec: Path
    accounts: dict[str, Account]
    auth: str
    examples: int
    seed: int
    seed_given: bool
    timeout: float
    rate_limit: float
    report_dir: Path
    insecure: bool
    allow_unknown_defects: bool
    server_fault: str | None = None
    read_only: bool = False
    max_concurrency: int = 4
    retries: int = 3
    reuse_customers: bool = False
    flow_examples: int = 1
    expired_token: str | None = field(default=None, repr=False)
    mode: str = "standard"
    product_file: Path | None = None

    @property
    def embedded(self) -> bool:
        return self.base_url is None

    def secrets(self) -> list[str]:
        passwords = [account.password for account in self.accounts.values()]
        return passwords + ([self.expired_token] if self.expired_token else [])

    def redacted(self) -> dict[str, Any]:
        """Return the settings as JSON-ready data, passwords left out."""
        return {
            "base_url": self.base_url or "(embedded reference server)",
            "business_base_url": self.business_base_url,
            "spec": str(self.spec),
            "accounts": {role: account.login for role, account in self.accounts.items()},
            "auth": self.auth,
            "examples": self.examples,
            "seed": self.seed,
            "timeout": self.timeout,
            "rate_limit": self.rate_limit,
            "insecure": self.insecure,
            "allow_unknown_defects": self.allow_unknown_defects,
            "server_fault": self.server_fault,
            "read_only": self.read_only,
            "max_concurrency": self.max_concurrency,
            "retries": self.retries,
            "reuse_customers": self.reuse_customers,
            "flow_examples": self.flow_examples,
            "expired_token": "(set)" if self.expired_token else None,
            "mode": self.mode,
            "product_file": str(self.product_file) if self.product_file else None,
        }


def resolve(values: dict[str, Any]) -> Settings:
    """Build ``Settings`` from raw values keyed by option name (``None`` where not given).

    Raises ``ConfigurationError`` naming the option and the invalid value.
    """
    raw = {option.name: _convert(option, values.get(option.name)) for option in OPTIONS}
    for option in OPTIONS:
        if raw[option.name] is None:
            raw[option.name] = option.default

    base_url = _check_url("base-url", raw["base-url"])
    business = _check_url("business-base-url", raw["business-base-url"])
    if base_url and not business:
        business = derive_business_base_url(base_url)
    auth = str(raw["auth"]).lower()
    if auth not in AUTH_METHODS:
        raise ConfigurationError(
            f"--icm-auth {raw['auth']!r} is invalid; use one of: {', '.join(AUTH_METHODS)}"
        )
    if raw["examples"] < 1:
        raise ConfigurationError(f"--icm-examples {raw['examples']} is invalid; use 1 or more")
    if not math.isfinite(raw["timeout"]) or raw["timeout"] <= 0:
        raise ConfigurationError(f"--icm-timeout {raw['timeout']} is invalid; use seconds > 0")
    if not math.isfinite(raw["rate-limit"]) or raw["rate-limit"] < 0:
        raise ConfigurationError(f"--icm-rate-limit {raw['rate-limit']} is invalid; use 0 or more")
    for name, minimum in (("max-concurrency", 1), ("retries", 0), ("flow-examples", 1)):
        if raw[name] < minimum:
            raise ConfigurationError(f"--icm-{name} {raw[name]} is invalid; use {minimum} or more")
    if raw["read-only"] and auth == "bearer":
        raise ConfigurationError(
            "--icm-read-only cannot log in with --icm-auth bearer, because POST {base}/token "
            "is not a read; use --icm-auth basic or token"
        )
    seed_given = raw["seed"] is not None
    seed = raw["seed"] if seed_given else random.SystemRandom().randrange(2**32)
    mode = _check_mode(raw, values)
    if mode == "certification":
        seed, raw["examples"] = CERTIFICATION_SEED, CERTIFICATION_EXAMPLES
    spec = Path(raw["spec"]) if raw["spec"] else default_spec_path()
    return Settings(
        base_url=base_url,
        business_base_url=business,
        spec=spec,
        accounts=_accounts(raw, base_url, business),
        auth=auth,
        examples=raw["examples"],
        seed=seed,
        seed_given=seed_given,
        timeout=raw["timeout"],
        rate_limit=raw["rate-limit"],
        report_dir=Path(raw["report-dir"]),
        insecure=bool(raw["insecure"]),
        allow_unknown_defects=bool(raw["allow-unknown-defects"]),
        server_fault=_check_fault(raw["server-fault"], base_url),
        read_only=bool(raw["read-only"]),
        max_concurrency=raw["max-concurrency"],
        retries=raw["retries"],
        reuse_customers=bool(raw["reuse-customers"]),
        flow_examples=raw["flow-examples"],
        expired_token=raw["expired-token"],
        mode=mode,
        product_file=Path(raw["product-file"]) if raw["product-file"] else None,
    )


def values_from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the settings given as ``ICM_*`` environment variables."""
    environ = dict(os.environ if environ is None else environ)
    return {option.name: environ[option.env] for option in OPTIONS if environ.get(option.env)}


def derive_business_base_url(base_url: str) -> str:
    """Return the B2B demo site's base URL for a B2C demo base URL, else ``base_url`` itself."""
    marker = f"/{B2C_SITE}/"
    if marker in base_url + "/":
        return (base_url + "/").replace(marker, f"/{B2B_SITE}/", 1).rstrip("/")
    return base_url


def embedded_accounts(b2c_base_url: str, b2b_base_url: str) -> dict[str, Account]:
    """Return the demo accounts of the embedded reference server."""
    return {
        "private": Account("private", DEMO_ACCOUNTS["private"], DEMO_PASSWORD, b2c_base_url),
        "admin": Account("admin", DEMO_ACCOUNTS["admin"], DEMO_PASSWORD, b2b_base_url),
        "buyer": Account("buyer", DEMO_ACCOUNTS["buyer"], DEMO_PASSWORD, b2b_base_url),
    }


def _accounts(
    raw: dict[str, Any], base_url: str | None, business: str | None
) -> dict[str, Account]:
    accounts: dict[str, Account] = {}
    pairs = {
        "private": ("user", "password"),
        "admin": ("admin-user", "admin-password"),
        "buyer": ("buyer-user", "buyer-password"),
    }
    for role, (login_name, password_name) in pairs.items():
        login, password = raw[login_name], raw[password_name]
        if bool(login) != bool(password):
            missing = password_name if login else login_name
            env = "ICM_" + missing.upper().replace("-", "_")
            raise ConfigurationError(
                f"--icm-{login_name} and --icm-{password_name} go together; "
                f"set --icm-{missing} or {env} as well"
            )
        if login and base_url is None:
            raise ConfigurationError(
                f"--icm-{login_name} is set but --icm-base-url is not; the embedded server uses "
                "its demo accounts, so give the base URL of the target these credentials belong to"
            )
        if login:
            site_url = base_url if role == "private" else business
            accounts[role] = Account(role, str(login), str(password), str(site_url))
    return accounts


# Certification runs use one example budget and one seed, so that every vendor's
# report comes from the same generated cases.
CERTIFICATION_EXAMPLES = 20
CERTIFICATION_SEED = 20261204


def _check_mode(raw: dict[str, Any], given: dict[str, Any]) -> str:
    mode = str(raw["mode"]).lower()
    if mode not in ("standard", "certification"):
        raise ConfigurationError(
            f"--icm-mode {raw['mode']!r} is invalid; use standard or certification"
        )
    if mode != "certification":
        return mode
    fixed = {"examples": CERTIFICATION_EXAMPLES, "seed": CERTIFICATION_SEED}
    for name, value in fixed.items():
        if given.get(name) not in (None, "") and raw[name] != value:
            raise ConfigurationError(
                f"--icm-{name} {raw[name]} is not allowed in certification mode, which always "
                f"uses {value}; drop the option"
            )
    if raw["server-fault"]:
        raise ConfigurationError("--icm-server-fault cannot be combined with certification mode")
    return mode


def _check_fault(name: str | None, base_url: str | None) -> str | None:
    if not name:
        return None
    if base_url is not None:
        raise ConfigurationError(
            f"--icm-server-fault {name!r} applies to the embedded server only; drop --icm-base-url"
        )
    from conformance.server import FAULTS

    if name not in FAULTS:
        raise ConfigurationError(
            f"--icm-server-fault {name!r} is not a known fault; known: {', '.join(sorted(FAULTS))}"
        )
    return name


def _check_url(name: str, value: Any) -> str | None:
    if not value:
        return None
    text = str(value).rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"--icm-{name} {value!r} is not an http(s) URL; give the full URL up to the app "
            f"segment, e.g. https://host/INTERSHOP/rest/WFS/{B2C_SITE}/-"
        )
    if parts.username or parts.password:
        raise ConfigurationError(
            f"--icm-{name} must not carry a login (user:password@host); give logins with "
            "ICM_USER / ICM_PASSWORD and the other ICM_*_USER / *_PASSWORD variables"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(
            f"--icm-{name} {value!r} has a query or fragment; give the URL up to the app "
            "segment only, e.g. .../INTERSHOP/rest/WFS/SITE/-"
        )
    if "/INTERSHOP/rest/" not in text:
        raise ConfigurationError(
            f"--icm-{name} {value!r} has no '/INTERSHOP/rest/' segment; give the full URL up to "
            f"the app segment, e.g. {parts.scheme}://{parts.netloc}/INTERSHOP/rest/WFS/{B2C_SITE}/-"
        )
    return text


def _convert(option: Option, value: Any) -> Any:
    if value is None or value == "":
        return None
    if option.kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ConfigurationError(f"{option.env}={value!r} is invalid; use true or false")
    try:
        return option.kind(value)
    except (TypeError, ValueError):
        unit = "an integer" if option.kind is int else "a number"
        raise ConfigurationError(f"--icm-{option.name} {value!r} is invalid; use {unit}") from None
