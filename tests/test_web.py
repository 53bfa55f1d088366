"""The page driven in real headless Chromium (Debian's `chromium`, through Playwright)."""
import os
import pathlib
import shutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402

from lprlab.serve import Models, create_app, start_background_server  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "data" / "test-artifacts"
SHARED = ROOT.parent / "shared"


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def page_url():
    server, url = start_background_server(create_app(Models()))
    yield url
    server.should_exit = True


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.mark.slow
def test_generate_click_read(browser, page_url):
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_url + "/")
    page.wait_for_selector("#format option[value='br_mercosur']", state="attached")
    page.select_option("#format", "br_mercosur")
    page.select_option("#height", "16")
    page.click("#generate")
    page.wait_for_function("document.querySelectorAll('.plate').length === 8")
    first = page.locator(".plate").first
    truth = first.get_attribute("data-truth")
    first.click()
    page.wait_for_function("document.getElementById('reading').textContent.length > 0")
    assert page.text_content("#truth") == truth
    assert float(page.text_content("#confidence")) >= 0
    assert page.text_content("#verdict") in ("✓ right", "✗ wrong")
    assert page.is_visible("#sr-img") and page.get_attribute("#sr-img", "src").startswith("data:image/png")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web_generate.png"), full_page=True)
    assert not errors, errors


@pytest.mark.slow
def test_photo_upload_draws_boxes(browser, page_url):
    photos = sorted((SHARED / "real/openalpr-dev/endtoend/eu").glob("*.jpg"))
    if not photos:
        pytest.skip("../shared/real/openalpr-dev is absent")
    page = browser.new_page(viewport={"width": 1000, "height": 1200})
    page.goto(page_url + "/")
    page.set_input_files("#photo", str(photos[0]))
    page.wait_for_selector("#photo-out img")
    assert page.get_attribute("#photo-out img", "src").startswith("data:image/jpeg")
    assert page.locator("#photo-out table tr").count() >= 2
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web_photo.png"), full_page=True)
