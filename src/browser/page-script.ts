/**
 * The in-page half of gathering. `COLLECTOR_SCRIPT` is installed before the document
 * exists (`Page.addScriptToEvaluateOnNewDocument`) and starts buffered
 * PerformanceObservers; `READ_EXPRESSION` later drains them with `takeRecords()`
 * (entries not yet delivered to a callback live only there) and returns plain data.
 * Nothing is computed in the page: see metrics.ts for that.
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

const KEY = 'wps.collect'

// Plain ES2017 with no dependencies: it runs in whatever page we are pointed at.
export const COLLECTOR_SCRIPT = `(() => {
  if (window !== window.top) return;
  const key = Symbol.for(${JSON.stringify(KEY)});
  if (window[key]) return;
  const sinks = { 'paint': [], 'largest-contentful-paint': [], 'layout-shift': [], 'longtask': [] };
  const observers = [];
  for (const type of Object.keys(sinks)) {
    try {
      const observer = new PerformanceObserver((list) => { sinks[type].push(...list.getEntries()); });
      observer.observe({ type, buffered: true });
      observers.push([observer, sinks[type]]);
    } catch (e) {}
  }
  const pick = (entry, fields) => { const out = {}; for (const f of fields) out[f] = entry[f]; return out; };
  Object.defineProperty(window, key, { value: () => {
    for (const [observer, sink] of observers) sink.push(...observer.takeRecords());
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      navigation: nav ? pick(nav, ['responseStart', 'domContentLoadedEventStart', 'domContentLoadedEventEnd', 'loadEventStart', 'loadEventEnd']) : null,
      paint: sinks['paint'].map((e) => pick(e, ['name', 'startTime'])),
      lcp: sinks['largest-contentful-paint'].map((e) => pick(e, ['startTime', 'renderTime', 'loadTime', 'size', 'url'])),
      layoutShifts: sinks['layout-shift'].map((e) => pick(e, ['startTime', 'value', 'hadRecentInput'])),
      longTasks: sinks['longtask'].map((e) => pick(e, ['startTime', 'duration'])),
    };
  } });
})();`

export const READ_EXPRESSION = `(() => { const read = window[Symbol.for(${JSON.stringify(KEY)})]; return read ? read() : null; })()`
