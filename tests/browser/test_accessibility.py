"""axe-core finds nothing on the reader pages, in the light and the dark colour scheme.

The axe script comes from the axe-playwright-python package (it ships axe.min.js) and is
evaluated inside the page. Our Content-Security-Policy allows only scripts from our own
origin, so these contexts are opened with ``bypass_csp=True``: that lets the test
harness's script in, and only here; every other browser test keeps the real policy (and
tests/newsportal checks that the policy is sent).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.reader_world import build_reader_world, reader_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
# Every rule axe runs by default (WCAG 2.0/2.1 A and AA, best practices), plus WCAG 2.2's
# target size, which Lighthouse checks too and axe leaves off unless asked.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


def violations(page) -> list[str]:
    results = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in results
    ]


@pytest.fixture
def axe_page(browser, request):
    scheme, viewport = request.param
    context = browser.new_context(
        viewport=viewport, locale="el-GR", color_scheme=scheme, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize(
    "axe_page",
    [("light", DESKTOP), ("dark", DESKTOP), ("light", PHONE), ("dark", PHONE)],
    ids=["light-desktop", "dark-desktop", "light-phone", "dark-phone"],
    indirect=True,
)
def test_reader_pages_have_no_axe_violations(live_server, axe_page, record_figure):
    world = build_reader_world()
    found = {}
    for name, path in reader_pages(world).items():
        for prefix in ("", "/en"):
            axe_page.goto(live_server.url + prefix + path)
            found[f"{prefix}{name}"] = violations(axe_page)
    record_figure("axe violations on 10 reader pages", sum(len(v) for v in found.values()))
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize(
    "axe_page", [("light", PHONE), ("dark", DESKTOP)], ids=["light", "dark"], indirect=True
)
def test_comment_form_with_errors_has_no_axe_violations(live_server, axe_page):
    world = build_reader_world()
    axe_page.goto(live_server.url + world["lead"].get_absolute_url())
    # A name of spaces passes the browser's `required` but not the server: errors come back.
    axe_page.get_by_label("Όνομα").fill("   ")
    axe_page.get_by_label("Σχόλιο", exact=True).fill("Ένα σχόλιο χωρίς όνομα.")
    axe_page.get_by_role("button", name="Αποστολή σχολίου").click()
    error = axe_page.locator("#id_name_error")
    error.wait_for()
    name_field = axe_page.get_by_label("Όνομα")
    assert name_field.get_attribute("aria-invalid") == "true"
    assert "id_name_error" in name_field.get_attribute("aria-describedby")
    assert violations(axe_page) == []
