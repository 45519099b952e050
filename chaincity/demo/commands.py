"""The `chaincity` commands the demo's departments and administrators run: the same click
commands and arguments a user types, run in the demo's process (under load a new interpreter
per act costs seconds) with that department's environment, their `--json` answer parsed."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re

import click

from chaincity.cli import main
from chaincity.formats import unit_code_of

# The CLI's exit codes a demo step accepts: done, or done with some records rejected (bad rows
# are part of the story).
ACCEPTED_EXITS = (0, 1)


class DemoError(RuntimeError):
    """A demo step failed: the command, its exit code and what it said."""


def run_command(args: tuple, env: dict[str, str]):
    """`chaincity ARGS --json` with ``env`` over the environment; the parsed answer. Exit codes
    other than ACCEPTED_EXITS raise :class:`DemoError`; a Ctrl-C inside raises KeyboardInterrupt."""
    argv = [*map(str, args), "--json"]
    out, err = io.StringIO(), io.StringIO()
    with _environment(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main.main(argv, prog_name="chaincity", standalone_mode=False)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except click.ClickException as exc:
            code, _ = exc.exit_code, err.write(exc.format_message())
        except click.exceptions.Abort:  # how click hands on a Ctrl-C inside a command
            raise KeyboardInterrupt from None
    if code not in ACCEPTED_EXITS:
        raise DemoError(f"`chaincity {' '.join(argv)}` exited {code}: {err.getvalue().strip() or out.getvalue().strip()}")
    return json.loads(out.getvalue())


@contextlib.contextmanager
def _environment(values: dict[str, str]):
    """``os.environ`` with ``values`` for the length of one command, then as it was."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


_UNIT_KEY = re.compile(r"unit=0x([0-9a-f]{64})")
_DIGEST = re.compile(r"=0x([0-9a-f]{12})[0-9a-f]{52}\b")


def readable(reason: str) -> str:
    """A decoded contract error as a person reads it: unit keys as their unit codes, other
    digests shortened."""
    reason = _UNIT_KEY.sub(lambda m: "unit=" + unit_code_of(bytes.fromhex(m.group(1))), reason)
    return _DIGEST.sub(lambda m: f"=0x{m.group(1)}…", reason)
