"""Screenshots of each page for the README, from a served home.

    TALENTA_HOME=/tmp/talenta .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Serves the home's pages on a free local port, makes one throw-away key per role (revoked when
done), logs in with each in headless Chromium (``/usr/bin/chromium``; Playwright drives it, no
browser download) and saves one PNG per page. Also prints each page's load time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from ml.config import get_settings
from ml.serving.app import create_app
from ml.serving.harness import CHROMIUM, CHROMIUM_ARGS, serving
from ml.store.keys import Keys


def log_in(page: Page, base: str, key: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#key", key)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def shoot(page: Page, base: str, path: str, out: Path | None) -> float:
    """Open ``path``, save its screenshot (unless ``out`` is None), return the load time in
    seconds (request to load event, as the browser measured it)."""
    page.goto(base + path)
    page.wait_for_load_state("load")
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n.loadEventEnd - n.startTime; }"
    )
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), full_page=True)
    return float(timing) / 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--alias", default="champion", help="registry alias of the need model")
    args = parser.parse_args()
    if not Path(CHROMIUM).is_file():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium", file=sys.stderr)
        return 1
    settings = get_settings()
    keys = Keys.from_url(settings.store_url)
    made = {
        r: keys.create(r, f"screenshots {r}") for r in ("planner", "committee", "data-scientist")
    }
    app = create_app(settings, alias=args.alias)
    try:
        with serving(app) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            state = app.state.talenta
            served = state.served()
            if served is None:
                print("nothing served: run `talenta score` (or `talenta demo`) first")
                return 1
            unit = state.snapshots.units(served.info.snapshot_id)[0][0]
            staff = state.snapshots.unit(served.info.snapshot_id, unit)
            employee = max(
                staff, key=lambda r: sum((c.get("gap") or 0) for c in r.profile["competencies"])
            ).employee_id
            flags = state.trail.flags(family="RATER", limit=1).items
            times: dict[str, float] = {}

            def context_for(role: str, lang: str = "id") -> Page:
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=lang)
                page = context.new_page()
                log_in(page, base, made[role].key)
                return page

            page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            times["login"] = shoot(page, base, "/login", None)
            page = context_for("planner")
            times["pegawai"] = shoot(page, base, f"/pegawai/{employee}", args.out / "pegawai.png")
            times["unit"] = shoot(page, base, f"/unit/{unit}", args.out / "unit.png")
            page.click("#plan button[type=submit]")
            page.wait_for_selector("#plan-result")
            page.locator("#plan-result").screenshot(path=str(args.out / "unit-plan.png"))
            page = context_for("committee")
            times["keadilan"] = shoot(page, base, "/keadilan", args.out / "keadilan.png")
            if flags:
                path = f"/keadilan/tanda/{flags[0].flag_id}"
                times["tanda"] = shoot(page, base, path, args.out / "keadilan-tanda.png")
            page = context_for("data-scientist")
            times["model"] = shoot(page, base, "/model?lang=en", args.out / "model.png")
            browser.close()
    finally:
        for new in made.values():
            keys.revoke(new.info.key_id)
    for name, seconds in times.items():
        print(f"{name:<10} {seconds * 1000:6.0f} ms")
    print(f"screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
