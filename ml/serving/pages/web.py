"""What every page shares: the templates, the person logged in and what their role may open, the
language, the answer's security headers, and the error pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ml.config import Settings, get_settings
from ml.serving.deps import state_of
from ml.serving.pages.i18n import LANGUAGES, Translator, language
from ml.serving.pages.session import (
    CSRF_FIELD,
    LANG_COOKIE,
    SESSION_COOKIE,
    Session,
    open_session,
    same_token,
)
from ml.serving.roles import Permission, allowed, roles_with
from ml.serving.state import Served

PACKAGE = Path(__file__).resolve().parent.parent
templates = Jinja2Templates(directory=PACKAGE / "templates")

# Everything from this origin only (assets are served locally), nothing inline that could run;
# inline SVG attributes (fill) are not styles, so the charts need no exception.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages show personal data: no copy in shared caches
}


@dataclass(frozen=True)
class NavItem:
    href: str
    key: str  # i18n key of its label
    permission: Permission


NAV = (
    NavItem("/pegawai", "nav.people", Permission.READ_EMPLOYEES),
    NavItem("/unit", "nav.units", Permission.PLAN_UNITS),
    NavItem("/rencana", "nav.plans", Permission.PLAN_UNITS),
    NavItem("/keadilan", "nav.fairness", Permission.FAIRNESS),
    NavItem("/model", "nav.model", Permission.READ_MODELS),
)


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to the log-in form."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageProblem(Exception):
    """A page that cannot be shown: the status and the (translated) message of the error page."""

    def __init__(self, status: int, key: str, **values: Any) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.values = values


def settings_of(request: Request) -> Settings:
    settings: Settings | None = getattr(request.app.state, "settings", None)
    return settings or get_settings()


def secret_of(request: Request) -> bytes:
    """The session key, read (or made) once per app."""
    secret: bytes | None = getattr(request.app.state, "page_secret", None)
    if secret is None:
        secret = settings_of(request).session_secret()
        request.app.state.page_secret = secret
    return secret


def lang_of(request: Request) -> str:
    """``?lang=`` for this request, else the language chosen with the switch, else Bahasa."""
    return language(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE))


def current_session(request: Request) -> Session:
    """The logged-in person, or a redirect to the log-in form (dependency of every page)."""
    session = open_session(
        secret_of(request), request.cookies.get(SESSION_COOKIE), state_of(request).keys
    )
    if session is None:
        if request.method == "GET":
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        else:  # a form sent after the session ended: back to the page that holds the form
            path = request.url.path.rsplit("/", 1)[0] or "/"
        raise LoginRequired(path)
    request.state.page_session = session
    return session


def needs(permission: Permission) -> Callable[[Request], Session]:
    """A dependency: a session whose role holds ``permission`` (the API's table), else 403."""

    def check(request: Request) -> Session:
        session = current_session(request)
        if not allowed(session.key.role, permission):
            raise PageProblem(
                403,
                "error.forbidden",
                role=session.key.role,
                permission=permission.value,
                roles=", ".join(roles_with(permission)),
            )
        return session

    return check


def check_csrf(session: Session, sent: str | None) -> None:
    if not same_token(sent, session.csrf):
        raise PageProblem(403, "error.csrf")


def log_read(request: Request, session: Session, kind: str, subject: str | None) -> None:
    """Append the read to the access log, as the API's routes do (UU 27/2022)."""
    action = f"{request.method} {request.url.path}"
    state_of(request).keys.log_access(session.key, action, kind, subject)


def page_number(text: str) -> int:
    """A ``?page=`` value; anything but a whole number from 1 is a 400 page in the reader's
    language (FastAPI's own 422 would answer in English JSON)."""
    text = text.strip() or "1"
    if not text.isdigit() or int(text) < 1 or int(text) > 100_000:
        raise PageProblem(400, "error.bad_page", value=text[:10])
    return int(text)


def pager(request: Request, found: Any) -> dict[str, str | None] | None:
    """Links to the previous and next page of ``found`` (a ``directory.Page``), keeping the
    other query parameters."""
    if found is None or found.pages <= 1:
        return None
    params = dict(request.query_params)

    def link(page: int) -> str | None:
        if not 1 <= page <= found.pages:
            return None
        return f"{request.url.path}?{urlencode({**params, 'page': str(page)})}"

    return {"prev": link(found.page - 1), "next": link(found.page + 1)}


def served_or_503(request: Request) -> Served:
    served = state_of(request).served()
    if served is None:
        raise PageProblem(503, "error.unavailable", detail="talenta score")
    return served


def safe_next(path: str | None) -> str:
    """A local path to go on to after log-in; anything else (another site) goes home."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    if any(ord(c) < 0x21 for c in path):  # browsers drop tabs and newlines: "/\t/evil" is "//evil"
        return "/"
    return path


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    session: Session | None = None,
) -> Response:
    """The template ``name`` with what every page needs: ``t`` (texts in the chosen language),
    the person, the menu their role allows, the CSRF token and the footer's data."""
    lang = lang_of(request)
    session = session or getattr(request.state, "page_session", None)
    state = state_of(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    shared = {
        "t": Translator(lang),
        "lang": lang,
        "languages": LANGUAGES,
        "session": session,
        "csrf_field": CSRF_FIELD,
        "csrf": session.csrf if session else "",
        "nav": [n for n in NAV if session and allowed(session.key.role, n.permission)],
        "can_read_employees": bool(
            session and allowed(session.key.role, Permission.READ_EMPLOYEES)
        ),
        "here": here,
        "switch": {code: f"/bahasa/{code}?next={quote(here, safe='')}" for code in LANGUAGES},
        "served": state.served() if state is not None else None,
        "loaded": state.models.current if state is not None else None,
    }
    response = templates.TemplateResponse(
        request, name, {**shared, **(context or {})}, status_code=status
    )
    response.headers.update(SECURITY_HEADERS)
    return response


async def _login_required(request: Request, error: Exception) -> Response:
    assert isinstance(error, LoginRequired)
    target = "/login" + (
        f"?next={quote(error.next_path, safe='')}" if error.next_path != "/" else ""
    )
    return RedirectResponse(target, status_code=303)


async def _page_problem(request: Request, error: Exception) -> Response:
    assert isinstance(error, PageProblem)
    values = dict(error.values)
    if error.key == "error.forbidden":
        t = Translator(lang_of(request))
        values["role"] = t(f"role.{values['role']}")
        values["permission"] = t(f"perm.{values['permission']}")
    return render(
        request,
        "error.html",
        {"status": error.status, "message_key": error.key, "values": values},
        status=error.status,
    )


def install(app: FastAPI) -> None:
    """Mount the pages, their static assets (served from the package: no CDN) and error pages."""
    from ml.serving.pages import auth, committee, employees, fairness, home, models, plans, units

    app.mount("/static", StaticFiles(directory=PACKAGE / "static"), name="static")
    for module in (auth, home, employees, units, plans, committee, fairness, models):
        app.include_router(module.router)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(PageProblem, _page_problem)
