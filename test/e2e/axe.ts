/**
 * Accessibility as axe-core judges it, in the real page: inject axe, run it over the
 * document, and keep the serious and critical violations (each with the elements it
 * blames), so a test can assert there are none and say what they were when there are.
 *
 *   assert.deepEqual(await seriousViolations(page), [])
 */
import axe from 'axe-core'
import type { Page } from 'playwright-core'

export async function seriousViolations(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => 'axe' in window)
  // Evaluated over CDP, which the page's Content-Security-Policy (script-src 'self') does not block.
  if (!loaded) await page.evaluate(axe.source)
  return page.evaluate(async () => {
    const runner = (window as unknown as { axe: typeof import('axe-core') }).axe
    const result = await runner.run(document, { resultTypes: ['violations'] })
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) =>
          `${violation.id} (${violation.impact}): ${violation.nodes
            .slice(0, 3)
            .map((node) => node.target.join(' '))
            .join(', ')}`,
      )
  })
}
