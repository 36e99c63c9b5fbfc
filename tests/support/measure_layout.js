// Run by tests/support/browser.py in the page: measures texts, charts and kept-whole blocks.
// Boxes are [left, top, width, height] in CSS pixels of the page (scrolled to the top).
(keepWhole) => {
  const box = (rect) => [rect.left + window.scrollX, rect.top + window.scrollY, rect.width, rect.height];
  const visible = (element) => element.checkVisibility({ visibilityProperty: true });
  // The size a text has once laid out: an SVG's text is scaled with its drawing.
  const pixels = (element) => {
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (element instanceof SVGElement && element.getScreenCTM) {
      const matrix = element.getScreenCTM();
      return size * Math.sqrt(matrix.a * matrix.a + matrix.b * matrix.b);
    }
    return size;
  };
  const ownText = (element) =>
    Array.from(element.childNodes)
      .filter((node) => node.nodeType === 3)
      .map((node) => node.textContent)
      .join("")
      .trim();
  const skipped = new Set(["TITLE", "STYLE", "SCRIPT", "title", "style"]);
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT);
  for (let element = walker.currentNode; element; element = walker.nextNode()) {
    if (skipped.has(element.tagName) || element.closest("svg") || !visible(element)) continue;
    const text = ownText(element);
    if (!text) continue;
    texts.push({ text: text.slice(0, 80), box: box(element.getBoundingClientRect()), pixels: pixels(element) });
  }
  const charts = Array.from(document.querySelectorAll("svg")).map((svg, index) => {
    const title = (svg.getAttribute("aria-label") || `chart ${index + 1}`).slice(0, 120);
    const boxes = (selector) => Array.from(svg.querySelectorAll(selector)).map((e) => box(e.getBoundingClientRect()));
    const axis = svg.querySelector(".axis");
    return {
      title,
      box: box(svg.getBoundingClientRect()),
      marks: svg.querySelectorAll("rect, path, line, circle, polyline, polygon").length,
      // Marks by the charts' classes; a page without them (an older report) by their shapes.
      bars: svg.querySelector(".bar") ? boxes(".bar") : boxes("rect:not(.axis)"),
      intervals: svg.querySelector(".interval") ? boxes(".interval") : boxes("path"),
      gridLines: Array.from(svg.querySelectorAll("line"))
        .filter((line) => line.classList.contains("grid-line") || line.x1.baseVal.value === line.x2.baseVal.value)
        .map((line) => box(line.getBoundingClientRect())),
      axis: axis ? box(axis.getBoundingClientRect()) : null,
      texts: Array.from(svg.querySelectorAll("text"))
        .filter((element) => ownText(element))
        .map((element) => ({
          text: ownText(element).slice(0, 80),
          box: box(element.getBoundingClientRect()),
          pixels: pixels(element),
        })),
    };
  });
  const width = document.documentElement.clientWidth;
  const wideElements = Array.from(document.body.querySelectorAll("*:not(svg *)"))
    .filter((element) => element.getBoundingClientRect().right > width + 0.5 && visible(element))
    .map((element) => `${element.tagName.toLowerCase()} ends at ${element.getBoundingClientRect().right.toFixed(1)} > ${width}`);
  // Words of tables cut across two lines (a column too narrow for them): a word's first and last
  // letters laid out on different lines. A break after a hyphen, a slash or a soft hyphen (where
  // French hyphenates) is the word's own: the pieces between them are the words checked. A
  // letter's line is that of its range's last box (a break's hyphen is drawn before it).
  const line = (node, offset) => {
    const range = document.createRange();
    range.setStart(node, offset);
    range.setEnd(node, offset + 1);
    const boxes = Array.from(range.getClientRects()).filter((rect) => rect.width > 0.5);
    return boxes.length ? Math.round(boxes[boxes.length - 1].top) : null;
  };
  const brokenWords = [];
  for (const cell of document.querySelectorAll("th, td")) {
    if (!visible(cell)) continue;
    const cellWalker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = cellWalker.nextNode(); node; node = cellWalker.nextNode()) {
      for (const match of node.textContent.matchAll(/[^\s\-\/‐‑–—\u00ad]{2,}/g)) {
        if (line(node, match.index) !== line(node, match.index + match[0].length - 1)) {
          brokenWords.push(`${match[0]} (in ${cell.tagName.toLowerCase()} "${cell.textContent.trim().slice(0, 40)}")`);
        }
      }
    }
  }
  const blocks = Array.from(document.querySelectorAll(keepWhole)).map((element) => ({
    label: (element.querySelector("h3, h4, figcaption, h2") || element).textContent.trim().slice(0, 80),
    kind: element.className,
    box: box(element.getBoundingClientRect()),
    breakInside: getComputedStyle(element).breakInside,
  }));
  // One string: Playwright passes a large object back far slower than its JSON text.
  return JSON.stringify({
    width,
    scrollWidth: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    charts,
    texts,
    blocks,
    wideElements,
    brokenWords,
  });
}
