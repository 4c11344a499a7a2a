// Windowing of a long table: only the rows in and near the viewport are in the page. Spacer
// rows above and below stand for the others at their height, so the page's height, its
// scroll bar and a scroll position are those of the whole list, and scrolling (with the
// wheel, the keys, or Tab moving the focus down the rows) brings the rows it reaches.
import { useEffect, useRef, useState } from './lib.js';

/** Rows kept in the page beyond each edge of the viewport (about half a screen): room for the wheel and the keys. */
export const OVERSCAN_ROWS = 12;
/** Row height (px) assumed until a row is in the page to be measured. */
const ESTIMATED_ROW_PX = 44;

/**
 * The rows `[start, end)` of `count` rows of `rowPx` pixels that cover the viewport, plus
 * `overscan` rows on each side. `view.from`/`view.to`: the viewport's top and bottom in
 * pixels below the first row's top (negative when the table starts below the viewport top).
 */
export function rowRange(count, rowPx, view, overscan = OVERSCAN_ROWS) {
  const first = Math.floor(Math.max(0, view.from) / rowPx);
  const last = Math.ceil(Math.max(0, view.to) / rowPx);
  const end = Math.min(count, last + overscan);
  return { start: Math.max(0, Math.min(end, first - overscan)), end };
}

/** Height of one row: the distance between two rows' tops (borders included), else the first row's height. */
function measureRowPx(tbody, fallback) {
  const rows = tbody.querySelectorAll(':scope > tr:not(.spacer)');
  if (rows.length === 0) return fallback;
  const first = rows[0].getBoundingClientRect();
  const px = rows.length > 1 ? rows[1].getBoundingClientRect().top - first.top : first.height;
  return px > 0 ? px : fallback;
}

/**
 * `range` grown to keep `overscan` rows on each side of the focused row `focus` when that row
 * is in or next to it, so that the next Tab (or Shift+Tab) finds its row in the page even
 * before a frame has scrolled the window along.
 */
export function aroundFocus(range, focus, count, overscan = OVERSCAN_ROWS) {
  if (focus === undefined || focus < range.start - overscan || focus >= range.end + overscan) return range;
  return { start: Math.max(0, Math.min(range.start, focus - overscan)), end: Math.min(count, Math.max(range.end, focus + overscan + 1)) };
}

/**
 * The window of a table body (`body`: a ref to its `<tbody>`) of `count` rows scrolled with
 * the page: `{start, end, rowPx}`. Rows carry their index in `data-index`. Measured once per
 * frame at most, after scrolling, a resize or a render; a render follows only when the window
 * moved, or at once when the focus moves into a row near its edge.
 */
export function useRowWindow(body, count) {
  const [view, setView] = useState(() => ({ from: 0, to: globalThis.innerHeight ?? 1000, rowPx: ESTIMATED_ROW_PX }));
  const [focus, setFocus] = useState(undefined);
  const schedule = useRef(undefined);
  useEffect(() => {
    const tbody = body.current;
    if (!tbody) return undefined;
    const focused = (e) => {
      const index = Number(e.target.closest?.('tr[data-index]')?.dataset.index);
      setFocus(Number.isInteger(index) ? index : undefined);
    };
    const left = (e) => {
      if (!tbody.contains(e.relatedTarget)) setFocus(undefined);
    };
    tbody.addEventListener('focusin', focused);
    tbody.addEventListener('focusout', left);
    return () => {
      tbody.removeEventListener('focusin', focused);
      tbody.removeEventListener('focusout', left);
    };
  }, [body]);
  useEffect(() => {
    let frame = 0;
    const measure = () => {
      frame = 0;
      const tbody = body.current;
      if (!tbody) return;
      const top = tbody.getBoundingClientRect().top;
      setView((v) => {
        const rowPx = measureRowPx(tbody, v.rowPx);
        const next = { from: -top, to: innerHeight - top, rowPx };
        return next.from === v.from && next.to === v.to && next.rowPx === v.rowPx ? v : next;
      });
    };
    const later = () => {
      if (frame === 0) frame = requestAnimationFrame(measure);
    };
    addEventListener('scroll', later, { passive: true });
    addEventListener('resize', later);
    schedule.current = later;
    later();
    return () => {
      removeEventListener('scroll', later);
      removeEventListener('resize', later);
      cancelAnimationFrame(frame);
    };
  }, [body]);
  // After each render: the rows above the table, or the row height, may have changed.
  useEffect(() => schedule.current?.());
  return { ...aroundFocus(rowRange(count, view.rowPx, view), focus, count), rowPx: view.rowPx };
}
