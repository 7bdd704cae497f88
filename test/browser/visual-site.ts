/**
 * A fixture site for what a page looks like: a heading at once, a big hero image
 * of noise that arrives `HERO_DELAY_MS` later, and a banner inserted above a paragraph at
 * `SHIFT_AT_MS` that pushes it down (a layout shift whose source is `p#moved`). Each
 * page reports what it sees (viewport and user agent) to `/seen`.
 *
 *   const site = await startVisualSite()
 *   await host.measure(`${site.url}/`, …)
 *   site.seen()   // → [{ innerWidth: 1350, innerHeight: 940, userAgent: '…' }]
 */
import http from 'node:http'
import type net from 'node:net'
import { png } from '../fixtures/png.ts'

export const HERO_DELAY_MS = 400
export const SHIFT_AT_MS = 150
// Noise, so Chromium counts it for LCP (a flat image is too plain to be contentful).
const HERO = png(600, 300, { seed: 7 })

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>visual</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{margin:0;font:16px sans-serif;background:#fff} #hero{display:block;width:100%;height:auto}</style></head>
<body><h1>Hello</h1><div id="slot"></div><p id="moved">This paragraph moves down when the banner arrives.</p>
<img id="hero" src="/hero.png" width="600" height="300" alt="hero">
<script>
fetch('/seen', { method: 'POST', body: JSON.stringify({ innerWidth, innerHeight, userAgent: navigator.userAgent, touch: navigator.maxTouchPoints, dpr: devicePixelRatio }) });
setTimeout(() => { const b = document.createElement('div'); b.style.height = '120px'; b.style.background = '#eee'; b.textContent = 'banner'; document.getElementById('slot').appendChild(b); }, ${SHIFT_AT_MS});
</script></body></html>`

export interface Seen {
  innerWidth: number
  innerHeight: number
  userAgent: string
  touch: number
  dpr: number
}

export interface VisualSite {
  url: string
  /** Bytes of the page and its hero as served. */
  bytes: number
  seen(): Seen[]
  close(): Promise<void>
}

export async function startVisualSite(): Promise<VisualSite> {
  const seen: Seen[] = []
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/seen') {
      let body = ''
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString()
      })
      req.on('end', () => {
        seen.push(JSON.parse(body) as Seen)
        res.writeHead(204).end()
      })
      return
    }
    if (req.url === '/hero.png') {
      setTimeout(() => {
        res.writeHead(200, {
          'content-type': 'image/png',
          'content-length': HERO.length,
          'cache-control': 'no-store',
        })
        res.end(HERO)
      }, HERO_DELAY_MS)
      return
    }
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      res.end(PAGE)
      return
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    bytes: Buffer.byteLength(PAGE) + HERO.length,
    seen: () => seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
