"""The study page in a real browser: headless Chromium (Debian's) driven by Playwright."""
import shutil
import subprocess
import sys

import pytest

from regviz.app.page import build_page, code_listing
from regviz.app.syllabus import QUESTIONS

CHROMIUM = "/usr/bin/chromium"
# flags for a root, network-less machine: no sandbox, no GPU, no background calls to Google
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
MISSING = "dropout_backward"  # left unrendered, to check the page shows the render command instead


@pytest.fixture(scope="module")
def site(tiny_renders, tmp_path_factory):
    """A page folder with four tiny clips (+ captions), a real verify result for Q5, and index.html."""
    folder = tmp_path_factory.mktemp("site")
    for name, (result, error) in tiny_renders.items():
        assert error is None, error
        if name != MISSING:
            shutil.copy(result.path, folder)
            shutil.copy(result.captions, folder)
    proc = subprocess.run([sys.executable, "-m", "regviz", "verify", "--question", "Q5", "--out", str(folder)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return build_page(folder)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # a clear failure, never a silent skip
            pytest.fail(f"headless Chromium could not start from {CHROMIUM} (make test installs Debian's chromium): {exc}")
        yield chromium
        chromium.close()


def open_page(browser, url, **context):
    page = browser.new_page(**context)
    log = {"errors": [], "requests": []}
    page.on("console", lambda msg: msg.type == "error" and log["errors"].append(msg.text))
    page.on("pageerror", lambda exc: log["errors"].append(str(exc)))
    page.on("request", lambda req: log["requests"].append(req.url))
    page.goto(url)
    return page, log


def test_page_sections_clips_captions_and_nothing_from_the_network(browser, site, tmp_path):
    page, log = open_page(browser, site.as_uri(), viewport={"width": 1280, "height": 900})
    for q in QUESTIONS:
        section = page.locator(f"section#{q.id.lower()}")
        assert section.count() == 1
        assert q.title in section.locator("h2").inner_text()
        assert section.locator(".answer li, .answer p").count() >= 2
        assert section.locator("pre.code").count() == 1
        assert section.locator("tbody tr").count() >= 1  # its claims
        video = section.locator("video")
        if q.scene == MISSING:
            assert video.count() == 0
            assert f"regviz render {q.scene}" in section.locator(".missing").inner_text()
            continue
        video.evaluate(f"v => v.readyState >= 1 || new Promise((ok, no) => {{ v.addEventListener('loadedmetadata', ok);"
                       f" setTimeout(() => no(new Error('no metadata for {q.scene}')), 15000); }})")
        duration = video.evaluate("v => v.duration")
        assert duration > 20, f"{q.scene}: duration {duration}"
        assert video.evaluate("v => v.currentSrc").endswith(f"{q.scene}.mp4")
        assert video.evaluate("v => v.videoWidth") == 256  # the real (tiny) file, decoded
        track = section.locator("track")
        assert track.get_attribute("src").startswith("data:text/vtt;base64,")  # loads from file:// too
        assert track.get_attribute("kind") == "captions"
        cues = track.evaluate("t => new Promise((ok, no) => { const tt = t.track; tt.mode = 'showing';"
                              " const done = () => ok(tt.cues ? tt.cues.length : 0);"
                              " t.readyState === 2 ? done() : t.addEventListener('load', done);"
                              " t.addEventListener('error', () => no(new Error('caption track failed to load')));"
                              " setTimeout(() => no(new Error('caption track timed out')), 15000); })")
        assert cues >= 3
        assert section.locator("video").get_attribute("poster") == f"{q.scene}.poster.png"
    # the Q5 claims were verified just now; the others show "not run"
    assert page.locator("section#q5 .badge.pass").count() >= 2
    assert page.locator("section#q1 .badge.unknown").count() >= 3
    page.screenshot(path=tmp_path / "desktop.png", full_page=True)
    assert log["errors"] == []
    assert log["requests"] and all(url.startswith(("file://", "data:")) for url in log["requests"]), log["requests"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_fits_a_phone_in_both_colour_schemes(browser, site, tmp_path, scheme):
    page, log = open_page(browser, site.as_uri(), viewport={"width": 390, "height": 844}, color_scheme=scheme)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the screen
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert (background == "rgb(14, 17, 22)") == (scheme == "dark")
    page.screenshot(path=tmp_path / f"phone-{scheme}.png", full_page=True)
    assert log["errors"] == []


def test_page_is_keyboard_accessible(browser, site):
    page, _ = open_page(browser, site.as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#q1"
    for _ in range(6):
        page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.tagName")
    assert focused in {"A", "VIDEO", "SUMMARY"}


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_each_listing_is_whiteboard_reference_code(question):
    """The page lists each question's reference functions, read from the core's source: code a candidate
    writes in an interview (at most 30 lines of at most 88 characters, no private helper, no speed kernel)."""
    import ast

    from scenes.listing import listing

    text = "\n\n".join(listing(name).text for name in question.code)
    lines = text.splitlines()
    assert len(lines) <= 30, f"{question.id}: {len(lines)} lines"
    assert max(map(len, lines)) <= 88
    called = {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
              for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Call)}
    assert not [name for name in called if name.startswith("_")], called
    assert all(name.startswith("regviz.") and "._" not in name for name in question.code)
    assert code_listing(question.code).count("\n") + 1 >= len(lines)  # the page shows all of it
