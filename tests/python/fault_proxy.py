"""A fault-injecting JSON-RPC proxy for the fault tests: put it in front of a devnet and it
answers slowly, with HTTP 500/502s, with JSON-RPC errors, or drops the connection before or
in the middle of an answer, each at a chosen rate, from a seed.

The nastiest fault is ``drop_mid_answer``: the request reaches the node (a transaction is
sent, a block mined), then the connection dies half-way through the answer, so the client
does not know what happened. Two faults go further, as a devnet that went down after taking a
transaction and came back from a state saved without its transactions (met in CI): from then
on the node answers for it as for a transaction it never saw (no transaction, no receipt),
while its effects and its nonce stay on chain. ``send_lost_and_forgotten`` cuts the send's
answer too; ``taken_then_restarted`` answers it, then answers the next request with a 502 (the
node away for a moment).
The proxy runs aiohttp on its own event loop in a thread.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field

from aiohttp import ClientSession, ClientTimeout, web
from eth_utils import keccak, to_bytes

FAULTS = ("slow", "http_500", "http_502", "rpc_error", "block_out_of_range", "ganache_stopping", "method_not_found",
          "drop_before", "drop_mid_answer",
          "send_lost_and_forgotten", "taken_then_restarted")
# The JSON-RPC error each such fault answers with.
RPC_ERRORS = {
    "rpc_error": (-32603, "Internal error (injected)"),
    # Anvil without past states: a call on "latest" that a new block overtook.
    "block_out_of_range": (-32602, "BlockOutOfRangeError: block height is 198 but requested was 197"),
    # Ganache on its way out (SIGTERM): its database closed before its HTTP server (a fresh-clone
    # CI run's restart test met it on a send).
    "ganache_stopping": (-32700, "Database is not open"),
    # A node that does not offer the method (Besu without the DEBUG API).
    "method_not_found": (-32601, "Method not found"),
}


@dataclass
class Faults:
    """Probability of each fault per request (at most one fault a request), and the latency range."""

    rates: dict[str, float] = field(default_factory=dict)
    latency: tuple[float, float] = (0.05, 0.5)
    seed: int = 17
    methods: frozenset[str] | None = None  # only these JSON-RPC methods meet faults (None: every one)
    # A request body over this many bytes is refused as Anvil refuses one over 2 MiB.
    max_body: int | None = None


class FaultProxy:
    """``with FaultProxy(target, Faults({...})) as proxy:`` — ``proxy.url`` is the faulty endpoint;
    ``proxy.injected`` counts the faults injected, by name and by JSON-RPC method."""

    def __init__(self, target: str, faults: Faults, port: int):
        assert set(faults.rates) <= set(FAULTS), faults.rates
        self.target, self.faults, self.port = target, faults, port
        self.url = f"http://127.0.0.1:{port}"
        self.injected: Counter = Counter()
        self.enabled = True
        self.forgotten: set[str] = set()  # hashes of the transactions the node "lost"
        self._away = False  # the next request meets a 502
        self._rng = random.Random(faults.seed)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _pick(self, method: str) -> str | None:
        if not self.enabled or (self.faults.methods is not None and method not in self.faults.methods):
            return None
        draw, edge = self._rng.random(), 0.0
        for name, rate in self.faults.rates.items():
            edge += rate
            if draw < edge:
                return name
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        try:
            method = json.loads(body).get("method", "?")
        except (ValueError, AttributeError):
            method = "?"
        if self.faults.max_body is not None and len(body) > self.faults.max_body:
            self.injected["too_large"] += 1
            return web.json_response({"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "Invalid request"}})
        if self._away:
            self._away = False
            self.injected["away"] += 1
            return web.Response(status=502, text="injected fault: the node restarting")
        if method in ("eth_getTransactionByHash", "eth_getTransactionReceipt"):
            call = json.loads(body)
            if str(call["params"][0]).lower() in self.forgotten:
                return web.json_response({"jsonrpc": "2.0", "id": call.get("id"), "result": None})
        fault = self._pick(method)
        if fault is not None:
            self.injected[fault] += 1
            self.injected[(fault, method)] += 1
        if fault == "slow":
            await asyncio.sleep(self._rng.uniform(*self.faults.latency))
        elif fault in ("http_500", "http_502"):
            return web.Response(status=int(fault[-3:]), text="injected fault")
        elif fault in RPC_ERRORS:
            request_id = json.loads(body).get("id") if method != "?" else None
            code, message = RPC_ERRORS[fault]
            return web.json_response({"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}})
        elif fault == "drop_before":
            request.transport.close()
            return web.Response(status=500)  # never reaches the client: the connection is gone
        async with self._session.post(self.target, data=body, headers={"Content-Type": "application/json"}) as answer:
            content = await answer.read()
            status = answer.status
        if fault in ("send_lost_and_forgotten", "taken_then_restarted") and method == "eth_sendRawTransaction":
            self.forgotten.add("0x" + keccak(to_bytes(hexstr=json.loads(body)["params"][0])).hex())
            self._away = fault == "taken_then_restarted"
        if fault in ("drop_mid_answer", "send_lost_and_forgotten"):  # the node has acted; half an answer
            response = web.StreamResponse(status=status, headers={"Content-Type": "application/json"})
            response.content_length = len(content)
            await response.prepare(request)
            await response.write(content[: len(content) // 2])
            request.transport.close()
            return response
        return web.Response(status=status, body=content, content_type="application/json")

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def start():
            self._session = ClientSession(timeout=ClientTimeout(total=120))
            app = web.Application(client_max_size=64 * 1024 * 1024)
            app.router.add_post("/", self._handle)
            self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
            await self._runner.setup()
            await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

        self._loop.run_until_complete(start())
        self._ready.set()
        self._loop.run_forever()

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        async def stop():
            await self._runner.cleanup()
            await self._session.close()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
