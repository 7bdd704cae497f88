/**
 * Which elements the numbers are about: the in-page observer that names the LCP element
 * and the elements each layout shift moved, as CSS selectors, at the moment the entry
 * arrives (a node can be gone by the time we read). Installed before the document exists,
 * beside the metrics collector (page-script.ts), read once at the end.
 *
 *   await session.send('Page.addScriptToEvaluateOnNewDocument', { source: ELEMENT_SCRIPT })
 *   // …navigate, wait…
 *   asElementReport((await evaluate(ELEMENT_READ_EXPRESSION)).value)
 *   // → { timeOrigin: 1764634380123.4, lcp: { selector: 'img#hero', type: 'image', url: '…/hero.jpg' },
 *   //     shifts: [{ score: 0.18, at: 412.5, selectors: ['div.banner'] }] }
 *   // lcp.rect: { x: 0, y: 180, width: 1350, height: 675 } — where the final screenshot shows it
 *
 * A selector is the element's tag with its id, or with up to two classes and its
 * position among siblings, prefixed by its parents' up to three levels (`body > main > img.hero`).
 */

export interface LcpElement {
  selector: string
  /** `image` (an <img>, <image> or a CSS background), `video` (its poster), or `text`. */
  type: 'image' | 'video' | 'text'
  url?: string
  /**
   * Where it is in the viewport when the page is read (CSS px, rounded), as the final
   * screenshot shows it; from when it became the LCP if it has left the document since.
   */
  rect?: Rect
}

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface LayoutShiftReport {
  score: number
  /** ms from navigation start. */
  at: number
  selectors: string[]
}

export interface ElementReport {
  /** The document's `performance.timeOrigin` (epoch ms): where frames' clocks meet the page's. */
  timeOrigin: number
  lcp: LcpElement | null
  shifts: LayoutShiftReport[]
}

const KEY = 'wps.elements'

export const ELEMENT_SCRIPT = `(() => {
  if (window !== window.top) return;
  const key = Symbol.for(${JSON.stringify(KEY)});
  if (window[key]) return;
  const name = (el) => {
    if (!el || el.nodeType !== 1) return '';
    const tag = el.localName;
    if (el.id) return tag + '#' + CSS.escape(el.id);
    const classes = Array.from(el.classList).slice(0, 2).map((c) => '.' + CSS.escape(c)).join('');
    const parent = el.parentElement;
    const same = parent ? Array.from(parent.children).filter((c) => c.localName === tag) : [];
    return tag + classes + (same.length > 1 ? ':nth-of-type(' + (same.indexOf(el) + 1) + ')' : '');
  };
  const selector = (node) => {
    let el = node && node.nodeType === 3 ? node.parentElement : node;
    const parts = [];
    while (el && el.nodeType === 1 && parts.length < 4) {
      parts.unshift(name(el));
      if (el.id || el.localName === 'body' || el.localName === 'html') break;
      el = el.parentElement;
    }
    return parts.join(' > ');
  };
  let lcp = null;
  let lcpNode = null;
  const rectOf = (el) => {
    const r = el.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return undefined;
    return { x: Math.round(r.left), y: Math.round(r.top), width: Math.round(r.width), height: Math.round(r.height) };
  };
  const shifts = [];
  const onLcp = (entries) => {
    const last = entries[entries.length - 1];
    if (!last) return;
    const el = last.element;
    const tag = el ? el.localName : '';
    const type = tag === 'video' ? 'video' : (last.url || tag === 'img' || tag === 'image') ? 'image' : 'text';
    lcp = { selector: el ? selector(el) : (lcp && lcp.selector) || '', type: type };
    if (last.url) lcp.url = last.url;
    if (el) {
      lcpNode = el;
      const rect = rectOf(el);
      if (rect) lcp.rect = rect;
    }
  };
  const onShifts = (entries) => {
    for (const e of entries) {
      if (e.hadRecentInput) continue;
      shifts.push({ score: e.value, at: e.startTime, selectors: (e.sources || []).map((s) => selector(s.node)).filter(Boolean) });
    }
  };
  const observers = [];
  for (const [type, sink] of [['largest-contentful-paint', onLcp], ['layout-shift', onShifts]]) {
    try {
      const observer = new PerformanceObserver((list) => sink(list.getEntries()));
      observer.observe({ type, buffered: true });
      observers.push([observer, sink]);
    } catch (e) {}
  }
  Object.defineProperty(window, key, { value: () => {
    for (const [observer, sink] of observers) sink(observer.takeRecords());
    if (lcp && lcpNode && lcpNode.isConnected) {
      const rect = rectOf(lcpNode);
      if (rect) lcp.rect = rect;
    }
    return { timeOrigin: performance.timeOrigin, lcp, shifts: shifts.slice(0, 50) };
  } });
})();`

export const ELEMENT_READ_EXPRESSION = `(() => { const read = window[Symbol.for(${JSON.stringify(KEY)})]; return read ? read() : null; })()`

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const LCP_TYPES: readonly string[] = ['image', 'video', 'text']

/** A rectangle of whole CSS pixels with a size, or undefined. */
function asRect(v: unknown): Rect | undefined {
  if (!isRecord(v)) return undefined
  const { x, y, width, height } = v
  if (!isNumber(x) || !isNumber(y) || !isNumber(width) || !isNumber(height) || width <= 0 || height <= 0)
    return undefined
  return { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) }
}

/** What ELEMENT_READ_EXPRESSION gave, checked (it comes from the page); null when it is not that. */
export function asElementReport(value: unknown): ElementReport | null {
  if (!isRecord(value) || !isNumber(value.timeOrigin) || !Array.isArray(value.shifts)) return null
  let lcp: LcpElement | null = null
  if (value.lcp !== null) {
    const raw = value.lcp
    if (!isRecord(raw) || typeof raw.selector !== 'string' || !LCP_TYPES.includes(String(raw.type)))
      return null
    if (raw.url !== undefined && typeof raw.url !== 'string') return null
    const rect = asRect(raw.rect)
    lcp = {
      selector: raw.selector.slice(0, 500),
      type: raw.type as LcpElement['type'],
      ...(typeof raw.url === 'string' ? { url: raw.url.slice(0, 2000) } : {}),
      ...(rect ? { rect } : {}),
    }
  }
  const shifts: LayoutShiftReport[] = []
  for (const shift of value.shifts) {
    if (!isRecord(shift) || !isNumber(shift.score) || !isNumber(shift.at) || !Array.isArray(shift.selectors))
      return null
    const selectors = shift.selectors
      .filter((s): s is string => typeof s === 'string')
      .map((s) => s.slice(0, 500))
    shifts.push({ score: shift.score, at: shift.at, selectors })
  }
  return { timeOrigin: value.timeOrigin, lcp, shifts }
}
