"""Keys and secrets (issue 17): the city pepper and the keystore passwords never leave the
`.env` they live in — not in any command's output or log (verbose, failing, with a traceback),
not in the department database, its rejects report or the gateway's key file, not on chain, in
any form (raw, hex text, unsalted keccak256/sha256: the scanner of `audit personal-data`). And
a `.env` open to group or others is warned about in one line naming it and `chmod 600`."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time

import requests
from eth_account import Account

from chaincity.audit.personal_data import scan_chain
from chaincity.audit.values import Needles, Secret
from chaincity.chain.signer import devnet_account
from conftest import ROOT, free_port
from test_oracle_stops import titles
from test_sync_bank_court import write


def _desk(tmp_path, net, city):
    """A registration centre's desk: its `.env` (the pepper, its keystore and password, an
    administrator's keystore password) and the two keystores."""
    desk = tmp_path / "desk"
    desk.mkdir()
    known = {"pepper": secrets.token_hex(32), "password": "rec-" + secrets.token_hex(8) + "-口令",
             "admin password": "admin-" + secrets.token_hex(8), "wrong password": "wrong-" + secrets.token_hex(8)}
    (desk / "rec.json").write_text(json.dumps(Account.encrypt(devnet_account(3).key, known["password"])))
    (desk / "admin.json").write_text(json.dumps(Account.encrypt(devnet_account(0).key, known["admin password"])))
    (desk / ".env").write_text("\n".join([
        f"CHAINCITY_PEPPER={known['pepper']}", "CHAINCITY_KEYSTORE=rec.json",
        f"CHAINCITY_KEYSTORE_PASSWORD={known['password']}",
        f"CHAINCITY_ADMIN_KEYSTORE_PASSWORD={known['admin password']}", "CHAINCITY_DEPARTMENT=LD-REC",
        f"CHAINCITY_RPC_URL={net.rpc_url}", f"CHAINCITY_DEPLOYMENTS_DIR={city['config'].deployments_dir}",
        f"CHAINCITY_DATABASE_URL=sqlite:///{desk / 'rec.db'}"]) + "\n")
    return desk, known


def _run(desk, *args, timeout=120, **env):
    """`chaincity ARGS` in the desk, its settings from `.env` only (plus ``env``)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("CHAINCITY_")} | {"PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "chaincity", *map(str, args)], cwd=desk, env=base | env,
                          capture_output=True, text=True, timeout=timeout)


def test_the_pepper_and_passwords_appear_in_no_output_log_file_database_or_the_chain(anvil, anvil_net, city, tmp_path):
    """Also: a `.env` open to others is warned about, in one line naming it and the fix."""
    desk, known = _desk(tmp_path, anvil_net, city)
    (desk / ".env").chmod(0o644)
    warned = _run(desk, "directory", "list")
    assert warned.returncode == 0, warned.stderr
    assert [line for line in warned.stderr.splitlines() if "chmod" in line] == [
        f"warning: {desk / '.env'} holds the city pepper and keystore passwords but is open to group or others "
        f"(mode 644): chmod 600 {desk / '.env'}"]
    (desk / ".env").chmod(0o600)
    first_block = anvil.eth.block_number + 1
    export = write(desk / "titles.csv", "real-estate", titles(6) + [titles(1, 900)[0] | {"shares": "9999"}])
    runs = [
        _run(desk, "-v", "db", "load", "real-estate", export),  # one bad row: a rejects report
        _run(desk, "-v", "oracle", "sync", "real-estate"),
        _run(desk, "-v", "oracle", "sync", "real-estate", CHAINCITY_KEYSTORE_PASSWORD=known["wrong password"]),
        _run(desk, "-v", "oracle", "sync", "real-estate", CHAINCITY_RPC_URL="http://127.0.0.1:9"),
        _run(desk, "-v", "oracle", "sync", "real-estate", CHAINCITY_DATABASE_URL="sqlite:////nonexistent/dir/x.db"),
        _run(desk, "-v", "directory", "propose", "add-county", "431303", "--keystore", "admin.json"),
        _run(desk, "-v", "directory", "approve", "1", "--keystore", "admin.json"),  # executed long ago: refused
        _run(desk, "-v", "directory", "list"),
        _run(desk, "-v", "gateway", "register-key"),
    ]
    assert [r.returncode for r in runs] == [1, 0, 2, 3, runs[4].returncode, 0, 1, 0, 0], [r.stderr for r in runs]
    assert not any("warning: " in r.stderr and "chmod" in r.stderr for r in runs)
    assert runs[4].returncode != 0 and "cannot unlock the keystore" in runs[2].stderr  # a database it cannot open: a
    # traceback today (whatever it prints is searched below)
    port = free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith("CHAINCITY_")} | {"PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "chaincity", "-v", "gateway", "serve", "real-estate", "--port",
                               str(port)], cwd=desk, env=base, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                assert requests.get(f"http://127.0.0.1:{port}/v1/serves", timeout=1).ok
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        requests.post(f"http://127.0.0.1:{port}/v1/read", data=b"{not json", timeout=5)  # a bad request, logged
        server.send_signal(signal.SIGTERM)
        served = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert "serves title-owners" in served[1]

    needles = Needles(Secret(value, name, name, "desk", ".env") for name, value in known.items())
    needles.add(bytes.fromhex(known["pepper"]), Secret(known["pepper"], "pepper", "pepper", "desk", ".env"), "raw bytes")
    outputs = [text for r in runs for text in (r.stdout, r.stderr)] + list(served)
    found = [h.as_dict() for i, text in enumerate(outputs) for h in needles.find(text.encode(), f"output {i}")]
    files = [p for p in desk.rglob("*") if p.is_file() and p.name not in {".env", "rec.json", "admin.json"}]
    assert {p.name for p in files} >= {"rec.db", "titles.rejects.csv", "LD-REC.x25519"}
    found += [h.as_dict() for p in files for h in needles.find(p.read_bytes(), str(p))]
    scan = scan_chain(anvil, needles, first_block)
    assert scan.transactions >= 3 and scan.slots > 0
    assert found + [h.as_dict() for h in scan.hits] == []
