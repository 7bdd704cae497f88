/**
 * The in-page half of gathering. `COLLECTOR_SCRIPT` is installed before the document
 * exists (`Page.addScriptToEvaluateOnNewDocument`) and starts buffered
 * PerformanceObservers; `READ_EXPRESSION` later drains them with `takeRecords()`
 * (entries not yet delivered to a callback live only there) and returns plain data.
 * Nothing is computed in the page: see metrics.ts for that.
 *
 * A page whose main thread never yields again cannot answer `READ_EXPRESSION`, so the
 * collector also pushes the same data out as it goes — on DOMContentLoaded, on `load`,
 * on every paint and LCP entry, and at most every 50 ms for shifts and long tasks — through a CDP binding
 * (`Runtime.addBinding`, `SNAPSHOT_BINDING`) that delivers even while the page is
 * stuck afterwards. The collector takes the binding off `window` before any page script
 * runs, so a page cannot send numbers of its own; `parseSnapshot` still checks the shape.
 *
 *   await session.send('Page.addScriptToEvaluateOnNewDocument', { source: COLLECTOR_SCRIPT })
 *   // …navigate, wait…
 *   const raw = (await session.send('Runtime.evaluate', { expression: READ_EXPRESSION, returnByValue: true }))
 *     .result.value as RawPageMetrics | null
 */

/** Times are ms relative to the page's timeOrigin (navigation start). */
export interface RawNavigationTiming {
  responseStart: number
  domContentLoadedEventStart: number
  domContentLoadedEventEnd: number
  loadEventStart: number
  loadEventEnd: number
}

export interface RawPaint {
  name: string
  startTime: number
}

export interface RawLcpEntry {
  startTime: number
  renderTime: number
  loadTime: number
  size: number
  url: string
}

export interface RawLayoutShift {
  startTime: number
  value: number
  hadRecentInput: boolean
}

export interface RawLongTask {
  startTime: number
  duration: number
}

export interface RawPageMetrics {
  navigation: RawNavigationTiming | null
  paint: RawPaint[]
  lcp: RawLcpEntry[]
  layoutShifts: RawLayoutShift[]
  longTasks: RawLongTask[]
}

/** The binding the collector pushes its snapshots through (then removes from `window`). */
export const SNAPSHOT_BINDING = '__wpsSnapshot'

const KEY = 'wps.collect'
const PENDING_KEY = 'wps.lcpPending'

// Plain ES2017 with no dependencies: it runs in whatever page we are pointed at.
export const COLLECTOR_SCRIPT = `(() => {
  const binding = window[${JSON.stringify(SNAPSHOT_BINDING)}];
  try { delete window[${JSON.stringify(SNAPSHOT_BINDING)}]; } catch (e) {}
  if (window !== window.top) return;
  const key = Symbol.for(${JSON.stringify(KEY)});
  if (window[key]) return;
  const sinks = { 'paint': [], 'largest-contentful-paint': [], 'layout-shift': [], 'longtask': [] };
  const observers = [];
  for (const type of Object.keys(sinks)) {
    try {
      const observer = new PerformanceObserver((list) => {
        sinks[type].push(...list.getEntries());
        if (type === 'paint' || type === 'largest-contentful-paint') push(); else pushSoon();
      });
      observer.observe({ type, buffered: true });
      observers.push([observer, sinks[type]]);
    } catch (e) {}
  }
  const pick = (entry, fields) => { const out = {}; for (const f of fields) out[f] = entry[f]; return out; };
  const drain = () => { for (const [observer, sink] of observers) sink.push(...observer.takeRecords()); };
  // Is there a finished, visible image that should outrank the current LCP entry but has
  // no entry yet? Chromium reports it only once painted after decode, up to ~100 ms after
  // load. Images too plain for Chromium to count (< 0.05 bits per displayed pixel) and
  // images already reported are not waited for.
  Object.defineProperty(window, Symbol.for(${JSON.stringify(PENDING_KEY)}), { value: () => {
    drain();
    const lcp = sinks['largest-contentful-paint'];
    const current = lcp.length ? lcp[lcp.length - 1].size : 0;
    const reported = new Set(lcp.map((e) => e.url).filter(Boolean));
    for (const img of Array.from(document.images)) {
      if (!img.complete || !img.naturalWidth || reported.has(img.currentSrc)) continue;
      const r = img.getBoundingClientRect();
      const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
      const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
      const area = Math.min(w * h, img.naturalWidth * img.naturalHeight);
      if (area <= current) continue;
      const res = performance.getEntriesByName(img.currentSrc)[0];
      const bytes = res ? res.encodedBodySize : 0;
      if (bytes && (bytes * 8) / (r.width * r.height) < 0.05) continue;
      return true;
    }
    return false;
  } });
  const read = () => {
    drain();
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      navigation: nav ? pick(nav, ['responseStart', 'domContentLoadedEventStart', 'domContentLoadedEventEnd', 'loadEventStart', 'loadEventEnd']) : null,
      paint: sinks['paint'].map((e) => pick(e, ['name', 'startTime'])),
      lcp: sinks['largest-contentful-paint'].map((e) => pick(e, ['startTime', 'renderTime', 'loadTime', 'size', 'url'])),
      layoutShifts: sinks['layout-shift'].map((e) => pick(e, ['startTime', 'value', 'hadRecentInput'])),
      longTasks: sinks['longtask'].map((e) => pick(e, ['startTime', 'duration'])),
    };
  };
  Object.defineProperty(window, key, { value: read });
  let pushedAt = -Infinity;
  function push() {
    if (typeof binding !== 'function') return;
    pushedAt = performance.now();
    try { binding(JSON.stringify(read())); } catch (e) {}
  }
  // Layout shifts and long tasks can come by the thousand: at most one push per 50 ms, the last one kept.
  let trailing = 0;
  function pushSoon() {
    if (performance.now() - pushedAt >= 50) push();
    else if (!trailing) trailing = setTimeout(() => { trailing = 0; push(); }, 50);
  }
  addEventListener('DOMContentLoaded', push);
  addEventListener('load', push);
})();`

/** Evaluates to true while an image may still become the LCP entry (see the collector). */
export const LCP_PENDING_EXPRESSION = `(() => { const pending = window[Symbol.for(${JSON.stringify(PENDING_KEY)})]; return pending ? pending() : false; })()`

export const READ_EXPRESSION = `(() => { const read = window[Symbol.for(${JSON.stringify(KEY)})]; return read ? read() : null; })()`

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
const listOf = <T>(v: unknown, fields: Record<string, 'number' | 'string' | 'boolean'>): T[] | null => {
  if (!Array.isArray(v)) return null
  const ok = v.every(
    (item) =>
      isRecord(item) &&
      Object.entries(fields).every(([name, type]) =>
        type === 'number' ? isNumber(item[name]) : typeof item[name] === type,
      ),
  )
  return ok ? (v as T[]) : null
}

/** A snapshot pushed through `SNAPSHOT_BINDING` (JSON text); null when it is not one. */
export function parseSnapshot(payload: string): RawPageMetrics | null {
  try {
    return asRawPageMetrics(JSON.parse(payload))
  } catch {
    return null
  }
}

/** What READ_EXPRESSION or a snapshot gave, checked field by field (it comes from the page); null when it is not that. */
export function asRawPageMetrics(value: unknown): RawPageMetrics | null {
  if (!isRecord(value)) return null
  const nav = value.navigation
  const navigation =
    nav === null
      ? null
      : isRecord(nav) &&
          [
            'responseStart',
            'domContentLoadedEventStart',
            'domContentLoadedEventEnd',
            'loadEventStart',
            'loadEventEnd',
          ].every((f) => isNumber(nav[f]))
        ? (nav as unknown as RawNavigationTiming)
        : undefined
  const paint = listOf<RawPaint>(value.paint, { name: 'string', startTime: 'number' })
  const lcp = listOf<RawLcpEntry>(value.lcp, {
    startTime: 'number',
    renderTime: 'number',
    loadTime: 'number',
    size: 'number',
    url: 'string',
  })
  const layoutShifts = listOf<RawLayoutShift>(value.layoutShifts, {
    startTime: 'number',
    value: 'number',
    hadRecentInput: 'boolean',
  })
  const longTasks = listOf<RawLongTask>(value.longTasks, { startTime: 'number', duration: 'number' })
  if (navigation === undefined || !paint || !lcp || !layoutShifts || !longTasks) return null
  return { navigation, paint, lcp, layoutShifts, longTasks }
}
