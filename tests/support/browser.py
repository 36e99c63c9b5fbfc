"""Render a self-contained HTML page in headless Chromium and measure what a reader sees, on screen and on A4.

Shared by the tests of the HTML report and of the workshop pack. Use the fixture:

    def test_something(render_report):
        rendered = render_report(html, name="structure")
        assert rendered.pdf_pages <= 12
        assert problems(rendered.printed) == []

``render_report`` loads the page in Debian's Chromium (``/usr/bin/chromium``, or ``VOIX_CHROMIUM``)
driven by Playwright, takes a screenshot at screen width, prints a PDF as a browser's print
dialog does (the page's own ``@page`` size), and measures the layout twice: on screen, and with
print styles at the width of the printed text (A4 minus 15 mm margins, 680 CSS px). With
``VOIX_BROWSER_ARTIFACTS=DIR`` the screenshot and PDF are also written there, for a person to look at.

Charts follow a small contract (``admin/report_charts.py``): inline ``<svg>``, grid lines with
class ``grid-line``, bars ``bar``, whiskers ``interval``, the plot's extent ``axis``.

Without Chromium or Playwright the tests fail with the command that installs them (``make test``
installs both on a fresh machine, or prints the one command that does): a check that cannot run
must not pass silently.
"""

import functools
import io
import json
import os
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

INSTALL_COMMAND = "make system-packages"
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREEN_SIZE = {"width": 1000, "height": 1400}
# The text width of an A4 page with 15 mm margins, in CSS pixels (96 per inch): what print lays out.
PRINT_WIDTH = round((210 - 2 * 15) / 25.4 * 96)
PRINT_HEIGHT = round((297 - 2 * 15) / 25.4 * 96)
A4_POINTS = (595.3, 841.9)
POINTS_PER_PIXEL = 0.75
# What must never be split across pages: each chart with its heading, and an indicator's opening
# (its title, description and first chart).
KEEP_WHOLE = "figure, .opening"
MEASURE = (Path(__file__).with_name("measure_layout.js")).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Box:
    """A rectangle in CSS pixels of the page."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


@dataclass(frozen=True)
class Text:
    """A piece of text as laid out: its words, box and size on paper (points)."""

    text: str
    box: Box
    points: float


@dataclass(frozen=True)
class Chart:
    """One inline SVG chart and its marks."""

    title: str
    box: Box
    marks: int
    bars: list[Box]
    intervals: list[Box]
    grid_lines: list[Box]
    axis: Box | None
    texts: list[Text]


@dataclass(frozen=True)
class Block:
    """An element that must not be split across pages: its height and its computed break-inside."""

    label: str
    kind: str
    box: Box
    break_inside: str


@dataclass(frozen=True)
class Layout:
    """What one layout (screen or print) looks like."""

    width: float
    scroll_width: float
    height: float
    charts: list[Chart]
    texts: list[Text]
    blocks: list[Block]
    wide_elements: list[str]
    # Words of a table cut across two lines: "word (in td "the cell's text")".
    broken_words: list[str]


@dataclass(frozen=True)
class RenderedReport:
    """A page rendered in Chromium: screenshot, PDF, and both layouts measured."""

    screenshot: bytes
    pdf: bytes
    pdf_pages: int
    page_size: tuple[float, float]
    screen: Layout
    printed: Layout

    @functools.cached_property
    def page_texts(self) -> list[str]:
        """Each PDF page's text, ligatures (ﬁ) spelt out."""
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(self.pdf))
        return [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]

    @property
    def fill(self) -> float:
        """How full the printed pages are on average: printed height over the pages' text height."""
        return self.printed.height / (self.pdf_pages * PRINT_HEIGHT)


def browser_missing(what: str, command: str) -> None:
    """Fail with the command that installs what is missing: a check that cannot run must not pass."""
    pytest.fail(f"{what}: run `{command}`", pytrace=False)


def chromium_path() -> str:
    """Debian's Chromium, or the one named by VOIX_CHROMIUM."""
    configured = os.environ.get("VOIX_CHROMIUM")
    found = configured if configured and Path(configured).exists() else shutil.which("chromium")
    if found is None:
        browser_missing("chromium is not installed (Debian's package)", INSTALL_COMMAND)
    assert found is not None
    return found


class Chromium:
    """Debian's Chromium driven by Playwright, in a thread of its own.

    Playwright's synchronous API keeps an event loop running in the thread that starts it; in the
    tests' main thread, that loop would break every asyncio test run after it. So every Playwright
    call is made in one worker thread, and the tests only wait for its results.
    """

    def __init__(self, path: str) -> None:
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        self._playwright: Any = None
        self._browser: Any = None
        try:
            self._worker.submit(self._start, path).result()
        except BaseException:
            self.close()
            raise

    def _start(self, path: str) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGUMENTS)

    def render(self, html: str, name: str = "report", keep_whole: str = KEEP_WHOLE) -> "RenderedReport":
        """Render ``html`` (see ``render_page``)."""
        return self._worker.submit(_render, self._browser, html, name, keep_whole).result()

    def close(self) -> None:
        """Close the browser and stop Playwright, in their thread."""

        def stop() -> None:
            if self._browser is not None:
                self._browser.close()
            if self._playwright is not None:
                self._playwright.stop()

        self._worker.submit(stop).result()
        self._worker.shutdown()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    """One headless Chromium per test module, closed after it: its thread, alive, would keep the
    workshop pack's tests run later in the same process from forking (``forking_is_safe``)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        browser_missing("the playwright package is not installed", "make test")
    browser = Chromium(chromium_path())
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def render_report(chromium: Chromium) -> Callable[..., RenderedReport]:
    """Return ``render(html, name="report", keep_whole=KEEP_WHOLE) -> RenderedReport``."""
    return chromium.render


def render_page(
    chromium: Chromium, html: str, name: str = "report", keep_whole: str = KEEP_WHOLE
) -> RenderedReport:
    """Render ``html`` with the ``chromium`` fixture: for renderings shared by a module's tests."""
    return chromium.render(html, name, keep_whole)


def _render(browser: Any, html: str, name: str, keep_whole: str) -> RenderedReport:
    """In the browser's thread: screenshot, PDF and both layouts of one page."""
    from pypdf import PdfReader

    context = browser.new_context(viewport=SCREEN_SIZE, offline=True)
    try:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.set_content(html, wait_until="load")
        assert [url for url in requests if not url.startswith(("data:", "about:"))] == [], requests
        screenshot = page.screenshot()
        screen = _layout(json.loads(page.evaluate(MEASURE, keep_whole)))
        pdf = page.pdf(prefer_css_page_size=True)
        page.emulate_media(media="print")
        page.set_viewport_size({"width": PRINT_WIDTH, "height": PRINT_HEIGHT})
        printed = _layout(json.loads(page.evaluate(MEASURE, keep_whole)))
    finally:
        context.close()
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    artifacts = os.environ.get("VOIX_BROWSER_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        (Path(artifacts) / f"{name}.png").write_bytes(screenshot)
        (Path(artifacts) / f"{name}.pdf").write_bytes(pdf)
    return RenderedReport(
        screenshot, pdf, len(reader.pages), (float(box.width), float(box.height)), screen, printed
    )


def _box(values: list[float]) -> Box:
    return Box(*values)


def _layout(measured: dict) -> Layout:  # type: ignore[type-arg]
    def text(item: dict) -> Text:  # type: ignore[type-arg]
        return Text(item["text"], _box(item["box"]), item["pixels"] * POINTS_PER_PIXEL)

    return Layout(
        measured["width"],
        measured["scrollWidth"],
        measured["height"],
        [
            Chart(
                chart["title"],
                _box(chart["box"]),
                chart["marks"],
                [_box(box) for box in chart["bars"]],
                [_box(box) for box in chart["intervals"]],
                [_box(box) for box in chart["gridLines"]],
                _box(chart["axis"]) if chart["axis"] else None,
                [text(item) for item in chart["texts"]],
            )
            for chart in measured["charts"]
        ],
        [text(item) for item in measured["texts"]],
        [
            Block(block["label"], block["kind"], _box(block["box"]), block["breakInside"])
            for block in measured["blocks"]
        ],
        measured["wideElements"],
        measured["brokenWords"],
    )


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG image, from its header."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG image"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


# The checks: each returns what is wrong, in words a failing test prints; [] when all is well.


def empty_charts(layout: Layout) -> list[str]:
    """Charts with no size or nothing drawn, and bars or whiskers without area."""
    problems = [
        chart.title for chart in layout.charts if chart.marks == 0 or chart.box.width * chart.box.height == 0
    ]
    problems += [
        f"{chart.title}: flat bar {bar}"
        for chart in layout.charts
        for bar in chart.bars
        if bar.width <= 0 or bar.height <= 0
    ]
    problems += [
        f"{chart.title}: flat interval {box}"
        for chart in layout.charts
        for box in chart.intervals
        if box.width <= 0 or box.height <= 0
    ]
    return problems


def overflowing(layout: Layout) -> list[str]:
    """Anything wider than the page, or drawn past a chart's edge."""
    problems = (
        [f"page scrolls sideways: {layout.scroll_width} > {layout.width}"]
        if layout.scroll_width > layout.width + 0.5
        else []
    )
    problems += layout.wide_elements
    problems += [
        f"{chart.title}: text {text.text!r} outside the chart"
        for chart in layout.charts
        for text in chart.texts
        if text.box.left < chart.box.left - 0.5 or text.box.right > chart.box.right + 0.5
    ]
    return problems


def small_texts(layout: Layout, minimum_points: float = 9.0) -> list[str]:
    """Texts smaller than ``minimum_points`` as laid out (an SVG's scale included)."""
    texts = [*layout.texts, *(text for chart in layout.charts for text in chart.texts)]
    return sorted(
        {f"{text.text!r}: {text.points:.1f} pt" for text in texts if text.points < minimum_points - 0.01}
    )


def texts_crossed_by_grid_lines(layout: Layout) -> list[str]:
    """Chart texts with a grid line running through their box."""
    return [
        f"{chart.title}: {text.text!r} crossed at x = {line.left:.1f}"
        for chart in layout.charts
        for text in chart.texts
        for line in chart.grid_lines
        if text.box.left - 0.5 < line.left < text.box.right + 0.5
        and line.top < text.box.bottom - 0.5
        and line.bottom > text.box.top + 0.5
    ]


def overlapping_texts(layout: Layout) -> list[str]:
    """Two texts of one chart drawn over each other (a long name running into the next column)."""
    problems = []
    for chart in layout.charts:
        boxes = sorted(chart.texts, key=lambda text: (text.box.top, text.box.left))
        for index, first in enumerate(boxes):
            for second in boxes[index + 1 :]:
                if second.box.top >= first.box.bottom - 0.5:
                    break
                if first.box.left < second.box.right - 0.5 and second.box.left < first.box.right - 0.5:
                    problems.append(f"{chart.title}: {first.text!r} overlaps {second.text!r}")
    return problems


def intervals_outside_axis(layout: Layout) -> list[str]:
    """Whiskers (and bars) that run past the first or last grid line: cut off by the axis."""
    problems = []
    for chart in layout.charts:
        if not chart.grid_lines:
            continue
        low = min(line.left for line in chart.grid_lines) - 0.75
        high = max(line.right for line in chart.grid_lines) + 0.75
        problems += [
            f"{chart.title}: {kind} from {box.left:.1f} to {box.right:.1f} "
            f"outside the axis {low:.1f}–{high:.1f}"
            for kind, boxes in (("interval", chart.intervals), ("bar", chart.bars))
            for box in boxes
            if box.left < low or box.right > high
        ]
    return problems


def split_blocks(layout: Layout, page_height: float = PRINT_HEIGHT) -> list[str]:
    """Blocks that print could cut: taller than a page, or not marked ``break-inside: avoid``."""
    return [
        f"{block.label}: {block.box.height:.0f} px high, break-inside {block.break_inside}"
        for block in layout.blocks
        if block.box.height > page_height or block.break_inside != "avoid"
    ]


def problems(layout: Layout) -> dict[str, list[str]]:
    """Every check on one layout, by name, keeping only those that found something."""
    checks = {
        "empty charts": empty_charts(layout),
        "overflow": overflowing(layout),
        "small text": small_texts(layout),
        "text crossed by a grid line": texts_crossed_by_grid_lines(layout),
        "texts over each other": overlapping_texts(layout),
        "interval cut by the axis": intervals_outside_axis(layout),
        "word cut across lines": layout.broken_words,
    }
    return {name: found for name, found in checks.items() if found}


def describe(rendered: RenderedReport) -> str:
    """A short summary for a failing assertion."""
    return json.dumps(
        {"pages": rendered.pdf_pages, "fill": round(rendered.fill, 2), "page": rendered.page_size}
    )
