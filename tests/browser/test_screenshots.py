"""Screenshots of the main reader pages at phone and desktop widths (kept in var/screenshots/),
and the layout facts they should show: no sideways scrolling on a phone, article lines of
65-75 characters, nothing that moves while the page loads."""

from pathlib import Path

import pytest

from tests.browser.reader_world import build_reader_world, reader_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDTHS = {375: 812, 1280: 900}
SHOWN = ["home", "category", "article", "feed"]

# Characters on each full line of the article's paragraphs (the last line of each is short).
LINE_LENGTHS = """() => {
  const counts = [];
  for (const p of document.querySelectorAll('.article__body > p')) {
    const lines = new Map();
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (rect) lines.set(Math.round(rect.top), (lines.get(Math.round(rect.top)) || 0) + 1);
      }
    }
    counts.push(...[...lines.values()].slice(0, -1));
  }
  return counts;
}"""

LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 1000);
})"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_reader_pages_at_phone_and_desktop_widths(live_server, browser, scheme):
    world = build_reader_world()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    paths = reader_pages(world)
    for width, height in WIDTHS.items():
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="el-GR", color_scheme=scheme
        )
        page = context.new_page()
        for name in SHOWN:
            page.goto(live_server.url + paths[name])
            # Nothing wider than the screen: a phone never scrolls sideways.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} at {width}px is {overflow}px too wide"
            target = SCREENSHOTS / f"{name}-{width}-{scheme}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
        context.close()


def test_article_lines_hold_65_to_75_characters(live_server, page, record_figure):
    world = build_reader_world()
    page.goto(live_server.url + world["lead"].get_absolute_url())
    lengths = page.evaluate(LINE_LENGTHS)
    average = sum(lengths) / len(lengths)
    record_figure("average characters per line of an article at 1280 px", round(average, 1))
    assert 65 <= average <= 75, lengths
    assert max(lengths) <= 80, lengths


@pytest.mark.parametrize("width", [375, 1280])
def test_reader_pages_do_not_shift_while_loading(live_server, browser, width, record_figure):
    world = build_reader_world()
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]})
    page = context.new_page()
    worst = 0.0
    for name in SHOWN:
        page.goto(live_server.url + reader_pages(world)[name])
        shift = page.evaluate(LAYOUT_SHIFT)
        worst = max(worst, shift)
        assert shift < 0.01, f"{name} shifts by {shift:.3f} while loading at {width}px"
    record_figure(f"largest cumulative layout shift at {width} px", round(worst, 4))
    context.close()
