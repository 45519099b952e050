"""An oracle's configuration: `.env`, then the environment, then command-line flags.

Every key is documented in `.env.example`. Secrets (the keystore password, the city pepper)
come from the environment or `.env`, never from code or the chain.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from eth_account.signers.local import LocalAccount

from chaincity.chain.signer import SignerError, load_signer
from chaincity.db import DEFAULT_URL
from chaincity.formats import LOUDI_COUNTIES
from chaincity.hashing import parse_pepper


class ConfigError(ValueError):
    """A setting is missing or wrong; the message names the key."""


@dataclass(frozen=True)
class OracleConfig:
    rpc_url: str
    database_url: str
    deployments_dir: Path
    department_code: str
    pepper: bytes
    confirmations: int
    batch_size: int
    pipeline: int
    block_share: float = 0.5


def exposed_env_file(path: Path) -> str | None:
    """Why ``path`` (a `.env`, which holds the pepper and the keystore password) is unsafe: one
    line naming the file and the fix when group or others may read or write it; else None."""
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        return None
    if not mode & 0o077:
        return None
    return (f"{path} holds the city pepper and keystore passwords but is open to group or others "
            f"(mode {mode:o}): chmod 600 {path}")


def _int(key: str, default: int, low: int = 1) -> int:
    raw = os.environ.get(key, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < low:
        raise ConfigError(f"{key} must be a whole number of at least {low}, not {raw!r}")
    return int(raw)


def _share(key: str, default: float) -> float:
    raw = os.environ.get(key, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{key} must be a number between 0.05 and 1, not {raw!r}") from None
    if not 0.05 <= value <= 1:
        raise ConfigError(f"{key} must be between 0.05 and 1, not {value}")
    return value


def city_pepper() -> bytes:
    """The city's pepper (CHAINCITY_PEPPER), which salts every person and document on chain."""
    try:
        return parse_pepper(os.environ.get("CHAINCITY_PEPPER"))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def oracle_config(rpc_url: str | None = None, database_url: str | None = None,
                  department_code: str | None = None) -> OracleConfig:
    code = department_code or os.environ.get("CHAINCITY_DEPARTMENT", "").strip()
    if not code:
        raise ConfigError("CHAINCITY_DEPARTMENT is not set: the code this oracle signs for (e.g. LD-REC)")
    pepper = city_pepper()
    return OracleConfig(
        rpc_url=rpc_url or os.environ.get("CHAINCITY_RPC_URL") or "http://127.0.0.1:8545",
        database_url=database_url or os.environ.get("CHAINCITY_DATABASE_URL") or DEFAULT_URL,
        deployments_dir=Path(os.environ.get("CHAINCITY_DEPLOYMENTS_DIR") or "deployments"),
        department_code=code,
        pepper=pepper,
        confirmations=_int("CHAINCITY_CONFIRMATIONS", 1),
        batch_size=_int("CHAINCITY_BATCH_SIZE", 200),
        pipeline=_int("CHAINCITY_PIPELINE", 8),
        block_share=_share("CHAINCITY_BLOCK_SHARE", 0.5),
    )


def signer_for(chain_id: int) -> LocalAccount:
    """The department's key: CHAINCITY_KEYSTORE (+ CHAINCITY_KEYSTORE_PASSWORD), or on a
    devnet only, CHAINCITY_DEVNET_ACCOUNT (an index into the public test mnemonic)."""
    try:
        return load_signer(chain_id, os.environ.get("CHAINCITY_KEYSTORE"), os.environ.get("CHAINCITY_KEYSTORE_PASSWORD"),
                           os.environ.get("CHAINCITY_DEVNET_ACCOUNT"))
    except SignerError as exc:
        raise ConfigError(str(exc)) from None


def city_counties() -> tuple[str, ...]:
    """The county-level divisions (GB/T 2260) the city registers: CITY_COUNTIES, comma-separated,
    as the deployment declared them on chain; Loudi's five when unset."""
    raw = os.environ.get("CITY_COUNTIES", "").strip()
    counties = tuple(c.strip() for c in raw.split(",") if c.strip()) if raw else tuple(LOUDI_COUNTIES)
    for county in counties:
        if len(county) != 6 or not county.isdigit():
            raise ConfigError(f"CITY_COUNTIES: {county!r} is not a six-digit division code")
    return counties
