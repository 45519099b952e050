"""Errors that belong to the oracle, not to a record: they stop the sync, and reject nothing.

A signer the directory does not know (never registered, or rotated out), a suspended
department, a paused city, a signer without money for gas, a nonce taken by another process,
another oracle of the department already running on its database: the chain would refuse (or
the second oracle would double) every record alike, so the sync stops with one line naming the cause
and its own exit code, and every record it had not confirmed stays pending.
"""

from __future__ import annotations

from enum import IntEnum

from web3.contract import Contract

from chaincity.chain.enums import DepartmentKind, DepartmentStatus, department_id
from chaincity.chain.errors import DecodedError
from chaincity.chain.sender import NonceTaken, OutOfGasMoney, SenderError

# Typed errors by which a registry refuses the sender itself (IDepartmentGated).
SENDER_ERRORS = frozenset({"DepartmentUnauthorized"})


class StopCause(IntEnum):
    """Why an oracle stopped; the value is the command's exit code."""

    NOT_A_SIGNER = 4  # unregistered, rotated out, or signs for another department
    SUSPENDED = 5
    PAUSED = 6
    NO_GAS_MONEY = 7
    NONCE_TAKEN = 8
    ALREADY_RUNNING = 9  # another oracle of the department holds its database's lock (oracle/lock.py)


class OracleStopped(RuntimeError):
    """The oracle cannot write for now; ``cause`` says why (and is the exit code)."""

    def __init__(self, cause: StopCause, message: str):
        super().__init__(message)
        self.cause = cause


# The node's refusals of the sender, by the stop they mean.
SENDER_STOPS = {OutOfGasMoney: StopCause.NO_GAS_MONEY, NonceTaken: StopCause.NONCE_TAKEN}


def stopped_by_sender(exc: SenderError) -> OracleStopped:
    return OracleStopped(SENDER_STOPS[type(exc)], str(exc))


class Authority:
    """Whether this oracle's key may write for its department now, as the directory says."""

    def __init__(self, directory: Contract, signer: str, department_code: str, kinds: tuple[DepartmentKind, ...]):
        self.directory = directory
        self.signer = signer
        self.department_code = department_code
        self.kinds = kinds

    def problem(self) -> OracleStopped | None:
        """Why the key may not write for its department, or None if it may."""
        mine = department_id(self.department_code)
        signs_for = bytes(self.directory.functions.departmentOfSigner(self.signer).call())
        if signs_for != mine:
            if signs_for == bytes(32):
                return OracleStopped(StopCause.NOT_A_SIGNER, (
                    f"{self.signer} is not a signing key of any department (never registered, or rotated out): "
                    f"{self.department_code} must be registered with this key, or the oracle given its current key"))
            return OracleStopped(StopCause.NOT_A_SIGNER, (
                f"{self.signer} signs for department 0x{signs_for.hex()}, not {self.department_code}"))
        department = self.directory.functions.getDepartment(mine).call()
        kind, status = DepartmentKind(department[0]), DepartmentStatus(department[1])
        if kind not in self.kinds:
            return OracleStopped(StopCause.NOT_A_SIGNER, (
                f"{self.department_code} is registered as {kind.label}, not {' or '.join(k.label for k in self.kinds)}"))
        if status != DepartmentStatus.ACTIVE:
            return OracleStopped(StopCause.SUSPENDED, (
                f"{self.department_code} is suspended in the city directory: the administrators must reinstate it"))
        if self.directory.functions.paused().call():
            return OracleStopped(StopCause.PAUSED, "the city is paused: the administrators must lift the pause")
        return None

    def check(self) -> None:
        """Raise :class:`OracleStopped` unless the key may write."""
        problem = self.problem()
        if problem is not None:
            raise problem

    def stopped_by(self, error: DecodedError | None) -> OracleStopped | None:
        """The stop a registry's typed error means, when it refuses the sender rather than a record."""
        if error is None or error.name not in SENDER_ERRORS:
            return None
        return self.problem() or OracleStopped(StopCause.NOT_A_SIGNER, (
            f"the registry refuses {self.signer} ({error}) though the directory lists it as active"))
