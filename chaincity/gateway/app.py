"""The gateway's HTTP service (FastAPI, run by uvicorn).

``POST /v1/read`` with ``{"request": {...}, "signature": "0x…"}`` (see
:mod:`chaincity.gateway.request`) answers 200 with the sealed answer and its read id, or a
refusal ``{"refused": code, "error": message}`` with the code's HTTP status and no data.
``GET /v1/serves`` lists what the department serves (names only).
"""

from __future__ import annotations

import json
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from chaincity.gateway.service import REFUSALS, Gateway, Refused, describe

logger = logging.getLogger(__name__)
MAX_BODY = 4096  # a request is a few hundred bytes


def _refusal(code: str, message: str) -> JSONResponse:
    return JSONResponse({"refused": code, "error": message}, status_code=REFUSALS[code])


def create_app(gateway: Gateway, max_body: int = MAX_BODY) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        gateway.desk.start()
        yield
        gateway.desk.stop()  # flush what waits

    app = FastAPI(title=f"Chain City data gateway: {gateway.code}", lifespan=lifespan)

    @app.get("/v1/serves")
    def serves() -> dict:
        return {"department": gateway.code, "chainId": gateway.chain_id, "serves": describe(gateway.spec)}

    @app.post("/v1/read")
    async def read(http: Request) -> JSONResponse:
        declared = http.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_body):
            return _refusal("body-too-large", f"a request is at most {max_body} bytes")
        body = b""
        async for chunk in http.stream():  # counted as it comes: no trust in the header alone
            body += chunk
            if len(body) > max_body:
                return _refusal("body-too-large", f"a request is at most {max_body} bytes")
        try:
            envelope = json.loads(body)
            if not isinstance(envelope, dict) or set(envelope) != {"request", "signature"}:
                raise ValueError("the body must be an object with exactly `request` and `signature`")
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError included
            return _refusal("malformed-request", f"body: {exc}")
        try:  # the chain and the database are blocking: off the event loop
            answer = await run_in_threadpool(gateway.answer, envelope["request"], envelope["signature"])
        except Refused as exc:
            logger.info("refused %s: %s", exc.code, exc)
            return _refusal(exc.code, str(exc))
        return JSONResponse(answer)

    return app
