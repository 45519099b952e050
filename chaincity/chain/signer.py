"""Department signing keys: an encrypted eth-account keystore, or on a devnet its test mnemonic."""

from __future__ import annotations

from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from chaincity.devnet import DEVNET_CHAIN_IDS, DEVNET_MNEMONIC


class SignerError(RuntimeError):
    """The signing key cannot be loaded; the message says which setting to fix."""


def from_keystore(path: str | Path, password: str | None) -> LocalAccount:
    """The key in an encrypted keystore file (password from the environment, never a file)."""
    if password is None:
        raise SignerError(f"no password for the keystore {path}: set CHAINCITY_KEYSTORE_PASSWORD")
    try:
        encrypted = Path(path).read_text()
    except OSError as exc:
        raise SignerError(f"cannot read the keystore {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SignerError(f"cannot unlock the keystore {path}: not a keystore (not UTF-8 text)") from None
    try:
        return Account.from_key(Account.decrypt(encrypted, password))
    except ValueError as exc:  # a wrong password ("MAC mismatch"), or not JSON at all
        raise SignerError(f"cannot unlock the keystore {path}: {exc}") from None
    except (KeyError, TypeError, AttributeError) as exc:  # JSON, but not shaped like a keystore
        raise SignerError(f"cannot unlock the keystore {path}: not an eth-account keystore "
                          f"({type(exc).__name__}: {exc})") from None


def devnet_account(index: int) -> LocalAccount:
    """Account ``index`` of the public devnet mnemonic (the devnets' funded test accounts)."""
    Account.enable_unaudited_hdwallet_features()
    return Account.from_mnemonic(DEVNET_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


def load_signer(chain_id: int, keystore: str | None, password: str | None, devnet_index: str | int | None, *,
                settings: tuple[str, str] = ("CHAINCITY_KEYSTORE", "CHAINCITY_DEVNET_ACCOUNT")) -> LocalAccount:
    """Who signs: the key in ``keystore`` (unlocked with ``password``), else on a devnet only the
    test-mnemonic account ``devnet_index``. ``settings`` name the two for error messages."""
    keystore_setting, index_setting = settings
    if keystore and str(keystore).strip():
        return from_keystore(str(keystore).strip(), password)
    index = str(devnet_index).strip() if devnet_index is not None else ""
    if index:
        if chain_id not in DEVNET_CHAIN_IDS:
            raise SignerError(f"{index_setting} is for devnets only; chain {chain_id} needs {keystore_setting}")
        if not index.isdigit():
            raise SignerError(f"{index_setting} must be an account index, not {index!r}")
        return devnet_account(int(index))
    raise SignerError(f"no signing key: set {keystore_setting} (or {index_setting} on a devnet)")
