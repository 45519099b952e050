"""The city portal's web application (FastAPI, Jinja2 templates, no script or style from the
network): verify a document, the bidding check and a company's credit picture, the city
dashboard, and — when a bank started the portal — the bank counter behind a sign-in."""

from __future__ import annotations

import secrets
from pathlib import Path

import requests

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from chaincity.certificates import NotADocument, read_handed
from chaincity.chain import ChainUnreachable
from chaincity.chain.deployment import City
from chaincity.credit import Credit, bidders_of
from chaincity.formats import FormatError, validate_unit_code, validate_uscc
from chaincity.desk import ActRefused
from chaincity.oracle.stops import OracleStopped
from chaincity.portal.counter import LOUDI_BEFORE, BankCounter
from chaincity.portal.dashboard import Dashboard
from chaincity.portal.reads import Reads, department_codes

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
MAX_UPLOAD = 1 << 20  # a certificate, a voucher or a bidders' list: far below a megabyte


def create_portal(city: City, counter: BankCounter | None = None, secret: str | None = None) -> FastAPI:
    """The portal over one deployment; ``counter`` when a bank serves it with its key."""
    reads, credit = Reads(city, department_codes(city)), Credit(city)
    dashboard = Dashboard(city, reads.code)
    app = FastAPI(title="Chain City portal", docs_url=None, redoc_url=None, openapi_url=None)
    # The session cookie is signed with a secret of this start unless one is configured: a
    # restart signs every officer out, which is the honest default for a counter.
    app.add_middleware(SessionMiddleware, secret_key=secret or secrets.token_hex(32), same_site="strict",
                       session_cookie="chaincity_portal", max_age=8 * 3600)

    def chain_down(request: Request, exc: Exception):
        return page(request, "base.html", 503, error="the chain does not answer: try again in a moment")

    for error in (ChainUnreachable, requests.exceptions.ConnectionError):  # web3's HTTP provider raises the latter
        app.add_exception_handler(error, chain_down)

    def page(request: Request, template: str, status_code: int = 200, **context):
        context |= {"counter_code": counter.code if counter else None, "page": template.removesuffix(".html")}
        return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)

    @app.get("/")
    def home():
        return RedirectResponse("/dashboard", status_code=303)

    @app.get("/verify")
    def verify_form(request: Request):
        return page(request, "verify.html")

    @app.post("/verify")
    async def verify(request: Request, payload: str = Form(""), document: UploadFile | None = File(None)):
        data = await document.read(MAX_UPLOAD + 1) if document is not None and document.filename else None
        try:
            if data is not None and len(data) > MAX_UPLOAD:
                raise NotADocument("the file is larger than any certificate or voucher (1 MiB)")
            result = reads.verify(read_handed(payload, data))
        except NotADocument as exc:
            return page(request, "verify.html", 400, error=str(exc), payload=payload)
        return page(request, "verify.html", result=result, payload=payload)

    @app.get("/bidding")
    def bidding_form(request: Request):
        return page(request, "bidding.html")

    @app.post("/bidding")
    async def bidding(request: Request, usccs: str = Form(""), bidders: UploadFile | None = File(None)):
        lines = usccs.splitlines()
        if bidders is not None and bidders.filename:
            try:
                lines += (await bidders.read(MAX_UPLOAD)).decode("utf-8-sig").splitlines()
            except UnicodeDecodeError:
                return page(request, "bidding.html", 400, errors=["the uploaded file is not UTF-8 text"], usccs=usccs)
        codes, errors, valid = bidders_of(lines), [], []
        for code in codes:
            try:
                validate_uscc(code)
                valid.append(code)
            except FormatError as exc:  # named on the page; the valid codes are still checked
                errors.append(f"USCC {code!r}: {exc}")
        if not codes:
            errors.append("paste or upload at least one USCC (one per line)")
        answer = credit.bidding(valid) if valid else {}
        return page(request, "bidding.html", 400 if errors and not answer else 200, errors=errors, usccs=usccs,
                    answer=answer)

    @app.get("/company")
    def company(request: Request, uscc: str = ""):
        try:
            validate_uscc(uscc.strip())
        except FormatError as exc:
            return page(request, "company.html", 400, error=f"USCC {uscc!r}: {exc}")
        return page(request, "company.html", picture=credit.picture(uscc.strip()))

    @app.get("/dashboard")
    def dashboard_page(request: Request):
        return page(request, "dashboard.html", figures=dashboard.figures(), chart=dashboard.chart())

    @app.get("/api/dashboard")
    def dashboard_api():
        return JSONResponse({**dashboard.figures(), "chart": dashboard.chart()})

    def officer(request: Request) -> bool:
        return counter is not None and request.session.get("department") == counter.code

    @app.get("/counter")
    def counter_page(request: Request, unit: str = ""):
        if counter is None:
            return page(request, "counter.html", 404, error="This portal was not started by a bank "
                        "(chaincity portal --department BANK_CODE): no counter here.")
        if not officer(request):
            return page(request, "signin.html")
        if not unit.strip():
            return page(request, "counter.html", before=LOUDI_BEFORE)
        try:
            validate_unit_code(unit.strip())
        except FormatError as exc:
            return page(request, "counter.html", 400, error=f"unit code {unit!r}: {exc}", unit=unit)
        return page(request, "counter.html", title=reads.title(unit.strip()), unit=unit.strip(), before=LOUDI_BEFORE)

    @app.post("/counter/signin")
    def sign_in(request: Request, password: str = Form("")):
        if counter is None or not counter.sign_in(password):
            return page(request, "signin.html", 401, error="wrong password")
        request.session["department"] = counter.code
        return RedirectResponse("/counter", status_code=303)

    @app.post("/counter/signout")
    def sign_out(request: Request):
        request.session.clear()
        return RedirectResponse("/counter", status_code=303)

    @app.post("/counter/mortgage")
    def mortgage(request: Request, unit: str = Form(""), contract_no: str = Form(""), amount: str = Form(""),
                 term_months: str = Form("")):
        if not officer(request):
            return page(request, "signin.html", 401, error="sign in first")
        form = {"contract_no": contract_no, "amount": amount, "term_months": term_months}
        try:
            registered = counter.register_mortgage(unit, contract_no, amount, term_months)
        except (ActRefused, OracleStopped) as exc:
            return page(request, "counter.html", 400, error=str(exc), unit=unit.strip(), form=form, before=LOUDI_BEFORE,
                        title=_title_or_none(reads, unit))
        return page(request, "counter.html", registered=registered, unit=registered["unit"], before=LOUDI_BEFORE,
                    title=reads.title(registered["unit"]))

    return app


def _title_or_none(reads: Reads, unit: str) -> dict | None:
    try:
        validate_unit_code(unit.strip())
    except FormatError:
        return None
    return reads.title(unit.strip())
