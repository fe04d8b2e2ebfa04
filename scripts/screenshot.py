"""Screenshot pages of a running server as a given user (for looking at what we build).

Usage: .venv/bin/python scripts/screenshot.py [--base http://127.0.0.1:8000]
         [--user handlaggare] [--password norrbotten-demo-2020] [--lang sv] [--width 1280]
         [--out /tmp/shots] PATH [PATH ...]
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="handlaggare")
    parser.add_argument("--password", default="norrbotten-demo-2020")
    parser.add_argument("--lang", default="sv")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--out", default="/tmp/shots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900}, locale=args.lang)
        if args.user:
            page.goto(f"{args.base}/accounts/login/")
            page.fill("input[name=username]", args.user)
            page.fill("input[name=password]", args.password)
            page.click("main button[type=submit]")
        for path in args.paths:
            page.goto(f"{args.base}{path}")
            name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
            target = out / f"{args.user or 'anon'}-{name}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
