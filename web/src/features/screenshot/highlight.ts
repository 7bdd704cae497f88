/**
 * Where the LCP element's outline goes over the final screenshot: its box in the viewport
 * (CSS px) as percentages of the viewport, so the outline stays on the element however
 * large the picture is drawn. The part outside the viewport is cut off; an element wholly
 * outside it (below the fold) has no outline.
 *
 *   highlightBox({ x: 100, y: 150, width: 600, height: 300 }, { width: 1350, height: 940 })
 *   // → { left: 7.41, top: 15.96, width: 44.44, height: 31.91 } (percent)
 */

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export interface PercentBox {
  left: number
  top: number
  width: number
  height: number
}

const round2 = (n: number): number => Math.round(n * 100) / 100

export function highlightBox(rect: Box, viewport: { width: number; height: number }): PercentBox | null {
  if (!(viewport.width > 0 && viewport.height > 0)) return null
  const left = Math.max(0, rect.x)
  const top = Math.max(0, rect.y)
  const right = Math.min(viewport.width, rect.x + rect.width)
  const bottom = Math.min(viewport.height, rect.y + rect.height)
  if (right <= left || bottom <= top) return null
  return {
    left: round2((left / viewport.width) * 100),
    top: round2((top / viewport.height) * 100),
    width: round2(((right - left) / viewport.width) * 100),
    height: round2(((bottom - top) / viewport.height) * 100),
  }
}
