"""The HTML pages: self-contained, MathML made on our side, checked in headless Chromium.

CI installs Debian's chromium and chromium-driver (.ci/run); locally the browser test is skipped
with a reason when they are missing, and under CI=true a missing browser is a failure.
"""

from __future__ import annotations

import io
import os
import re
import shutil

import pytest

from quizgen.export import render_exam
from quizgen.export.markup import latex_to_mathml, markdown_to_html
from quizgen.generation.bank import load_bank
from quizgen.generation.exam import build_exam, version_names

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
needs_chromium = pytest.mark.skipif(
    (CHROMIUM is None or CHROMEDRIVER is None) and not os.environ.get("CI"),
    reason="chromium and chromedriver are not installed here (.ci/run installs them)",
)
MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$]+)\$", re.S)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    exam = build_exam(load_bank().topic("mle"), seed=13, students=version_names(2))
    files = render_exam(exam, ["html", "md"])
    folder = tmp_path_factory.mktemp("html")
    for name, text in files.items():  # the Markdown writer's figure PNGs are bytes
        if isinstance(text, bytes):
            (folder / name).write_bytes(text)
        else:
            (folder / name).write_text(text, encoding="utf-8")
    return folder, files


def test_files_and_index(pages):
    folder, files = pages
    html = sorted(n for n in files if n.endswith(".html"))
    assert html == ["index.html", "sheet-v01.html", "sheet-v02.html", "solutions-v01.html", "solutions-v02.html"]
    index = files["index.html"]
    for name in html[1:]:
        assert f'href="{name}"' in index


def test_pages_are_self_contained_and_every_formula_is_mathml(pages):
    folder, files = pages
    for name, text in files.items():
        if not name.endswith(".html") or name == "index.html":
            continue
        assert "<script" not in text.lower() and "http://" not in text.replace("http://www.w3.org/1998/Math/MathML", "")
        assert "https://" not in text and "$" not in text, name
        md = files[name.replace(".html", ".md")]
        assert text.count("<math ") == len(MATH.findall(md)), name


def test_figures_are_inlined_as_png_data_uris_with_alt_text(pages):
    """Each sheet shows its question's sheet figures, each solutions page all of them: the PNG's own bytes, with its alt text."""
    import base64
    import html

    from quizgen.generation.figures import png

    folder, files = pages
    exam = build_exam(load_bank().topic("mle"), seed=13, students=version_names(2))
    for version in exam.versions:
        refs = [ref for v in version.variants for ref in v.figures]
        assert {ref.where for ref in refs} == {"sheet", "solutions"}  # the fixture covers both places
        for kind, shown in (("sheet", [r for r in refs if r.where == "sheet"]), ("solutions", refs)):
            page = files[f"{kind}-{version.student}.html"]
            imgs = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)" width="(\d+)" height="(\d+)">', page)
            assert page.count("<img") == len(imgs) == len(shown), (kind, version.student)
            for (data, alt, width, height), ref in zip(imgs, shown):
                assert base64.b64decode(data) == png(ref)
                assert html.unescape(alt) == ref.alt and len(ref.alt) > 40
                assert (int(width), int(height)) == (1000, 600)
            assert "img-src data:" in page and "default-src 'none'" in page  # only data: images are allowed


def test_mathml_by_shape_equals_a_direct_conversion():
    """latex_to_mathml converts a formula's shape once and puts its numbers back: same result."""
    from quizgen.export.markup import mathml as convert

    exam = build_exam(load_bank().topic("mle"), seed=5, students=["ann"])
    text = "\n".join(t for t in render_exam(exam, ["md"]).values() if isinstance(t, str))
    formulas = {(m.group(1) or m.group(2)).strip() for m in MATH.finditer(text)}
    assert len(formulas) > 100
    for f in formulas:
        assert latex_to_mathml(f) == convert(f), f
    assert latex_to_mathml(r"\tfrac12 + 2.5^{2}") == convert(r"\tfrac12 + 2.5^{2}")


def test_prose_is_escaped_and_markup_mapped():
    out = markdown_to_html("a <b>&</b> `x<y` **bold** *it* $x_1$\n\nnext")
    assert out.startswith("a &lt;b&gt;&amp;&lt;/b&gt; <code>x&lt;y</code> <strong>bold</strong> <em>it</em> <math")
    assert out.endswith("</math></p>\n<p>next")


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM and CHROMEDRIVER, "CI must have chromium and chromedriver: .ci/run installs them"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1000,1400"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield driver
    driver.quit()


@needs_chromium
@pytest.mark.parametrize("name", ["index.html", "sheet-v01.html", "solutions-v01.html"])
def test_page_in_headless_chromium(pages, browser, name):
    from PIL import Image
    from selenium.webdriver.common.by import By

    folder, files = pages
    browser.get((folder / name).as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    logs = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    assert logs == [], logs
    formulas = browser.find_elements(By.TAG_NAME, "math")
    assert len(formulas) == files[name].count("<math ")
    if name != "index.html":
        assert formulas
    sizes = browser.execute_script(
        "return Array.from(document.getElementsByTagName('math'), m => {"
        " const r = m.getBoundingClientRect(); return [r.width, r.height, m.outerHTML.slice(0, 200)]; })"
    )
    for width, height, source in sizes:
        assert width > 0 and height > 0, source
    # MathML is laid out as math (Chromium's MathML Core), not as a run of inline text
    if formulas:
        assert browser.execute_script("return arguments[0] instanceof MathMLElement", formulas[0])
    # every figure is decoded (a data: URI the page's policy allows) and laid out at a readable size
    measure = (
        "return Array.from(document.images, i => [i.complete, i.naturalWidth, i.naturalHeight,"
        " i.getBoundingClientRect().width, i.parentElement.clientWidth, i.alt])"
    )
    images = browser.execute_script(measure)
    assert len(images) == files[name].count("<img ")
    if name != "index.html":
        assert images, "the fixture's pages show figures"
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        printed = browser.execute_script(measure)
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    for complete, natural_w, natural_h, shown_w, parent_w, alt in images + printed:
        assert complete and (natural_w, natural_h) == (1000, 600), alt
        assert shown_w == pytest.approx(0.75 * parent_w, abs=2) and alt  # three quarters of the text width
    shot = Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("L")
    lo, hi = shot.getextrema()
    assert hi - lo > 100, "the screenshot is blank"
    dark = sum(shot.histogram()[:128])
    assert dark > 500, "almost no dark pixels: nothing was drawn"
