"""Checks of a page's layout in the browser (nothing wider than the viewport, no reference or number broken across
lines in a table cell, no chart label cut off or overlapping another, not too long), and the artefacts the organisers'
walk keeps: screenshots and page heights."""
from __future__ import annotations

import fcntl
import json
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = PROJECT_ROOT / "test-results"
SCREENSHOTS = ARTEFACTS / "screenshots" / "organisers"
HEIGHTS_FILE = ARTEFACTS / "page-heights.json"

# The longest an organiser page may be, in CSS pixels: five screens of a 320 x 640 phone, four of a 1280 x 800 laptop.
MAX_HEIGHT_AT_320 = 3_200
MAX_HEIGHT_AT_1280 = 3_200
MAX_HEIGHTS = {320: MAX_HEIGHT_AT_320, 1280: MAX_HEIGHT_AT_1280}

# How many offending elements one check lists for a page at one width (the first few say enough).
MOST_LISTED = 8

# Elements whose right edge passes the viewport, except inside a region that scrolls (or clips) sideways and itself
# fits, and except inside an element already listed (its outermost offender says it all).
TOO_WIDE = r"""(most) => {
  const view = document.documentElement.clientWidth;
  const describe = (el) => {
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + [...el.classList].slice(0, 2).map((c) => '.' + c).join('');
    const text = (el.innerText || el.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim().slice(0, 40);
    return text ? `${name} "${text}"` : name;
  };
  const scrollsItself = (el) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  const found = [];
  const listed = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= view + 1) continue;
    let inside = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (listed.has(up)) { inside = true; break; }
      if (scrollsItself(up) && up.getBoundingClientRect().right <= view + 1) { inside = true; break; }
    }
    if (inside) continue;
    listed.add(el);
    if (found.length < most) found.push(`${describe(el)} reaches ${Math.round(box.right)}px`);
  }
  return {found, count: listed.size, scrollWidth: document.documentElement.scrollWidth, view};
}"""

# Text in a table cell that must stay on one line: a reference (DEMO-2026-017), or a number (1,234, 12.5, 45%, -3,
# £1,200, 4/5). A match is broken when its text's boxes sit on more than one line.
BROKEN_IN_CELLS = r"""(most) => {
  const pattern = /\b[A-Z][A-Z0-9]*-\d{4}-\d+\b|(?:(?<!\w)[-−+])?£?\d[\d,]*(?:\.\d+)?(?:\/\d+)?%?/g;
  const found = [];
  let count = 0;
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const holder = node.parentElement.getBoundingClientRect();
      if (holder.width <= 1 || holder.height <= 1) continue;  // visually hidden text, read only by screen readers
      for (const match of node.data.matchAll(pattern)) {
        if (match[0].length < 2) continue;  // one character cannot break
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) {
          count += 1;
          if (found.length < most) found.push(`"${match[0]}" on ${tops.size} lines`);
        }
      }
    }
  }
  return {found, count};
}"""

# A chart's label that its <svg> cuts off (some of its text lies outside the drawing, which clips what overflows it),
# or that overlaps another label of the same chart (by more than a pixel each way).
CHART_LABELS = r"""(most) => {
  const found = [];
  let count = 0;
  const note = (text) => { count += 1; if (found.length < most) found.push(text); };
  const words = (label) => `"${label.textContent.trim().slice(0, 40)}"`;
  for (const drawing of document.querySelectorAll('svg')) {
    const area = drawing.getBoundingClientRect();
    const labels = [...drawing.querySelectorAll('text')]
      .map((label) => ({label, box: label.getBoundingClientRect()})).filter(({box}) => box.width > 0);
    labels.forEach(({label, box}, index) => {
      if (box.left < area.left - 1 || box.right > area.right + 1 || box.top < area.top - 1
          || box.bottom > area.bottom + 1) note(`${words(label)} cut off`);
      for (const other of labels.slice(index + 1)) {
        const across = Math.min(box.right, other.box.right) - Math.max(box.left, other.box.left);
        const down = Math.min(box.bottom, other.box.bottom) - Math.max(box.top, other.box.top);
        if (across > 1 && down > 1) note(`${words(label)} overlaps ${words(other.label)}`);
      }
    });
  }
  return {found, count};
}"""


def _listed(result: dict) -> str:
    """The offenders a check found, and how many more it did not list."""
    more = result["count"] - len(result["found"])
    return "; ".join(result["found"]) + (f" (and {more} more)" if more else "")


def layout_problems(page, width: int) -> tuple[list[str], int]:
    """What is wrong with the page's layout at this width, and the document's height in CSS pixels."""
    problems = []
    wide = page.evaluate(TOO_WIDE, MOST_LISTED)
    if wide["count"]:
        problems.append(
            f"wider than the viewport ({wide['view']}px; page scrolls to {wide['scrollWidth']}px): {_listed(wide)}"
        )
    broken = page.evaluate(BROKEN_IN_CELLS, MOST_LISTED)
    if broken["count"]:
        problems.append(f"a table cell breaks a reference or number across lines: {_listed(broken)}")
    labels = page.evaluate(CHART_LABELS, MOST_LISTED)
    if labels["count"]:
        problems.append(f"a chart's labels do not fit: {_listed(labels)}")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    limit = MAX_HEIGHTS.get(width)
    if limit is not None and height > limit:
        problems.append(f"{height}px long, more than {limit:,}px")
    return problems, height


def save_screenshot(page, phase: str, name: str, width: int) -> None:
    """A full-page screenshot, animations stopped, at test-results/screenshots/organisers/<phase>/<page>-<width>.png."""
    path = SCREENSHOTS / phase / f"{name}-{width}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, animations="disabled")


@contextmanager
def _locked(path: Path):
    """Hold a lock beside the file, so that two test workers never write it at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / (path.name + ".lock")).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def record_heights(phase: str, heights: dict[str, dict[int, int]], path: Path = HEIGHTS_FILE) -> None:
    """Add one phase's heights ({page: {width: px}}) to test-results/page-heights.json ({phase: {page: {width: px}}})."""
    with _locked(path):
        known = json.loads(path.read_text()) if path.exists() else {}
        known[phase] = {name: {str(width): px for width, px in widths.items()} for name, widths in heights.items()}
        path.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n")
