/**
 * How a Lighthouse score is said, in the terminal and on the web page alike: out of 100,
 * as Lighthouse's own report shows it, with the rating words of the rest of the app on
 * Lighthouse's bands (90–100 good, 50–89 needs improvement, 0–49 poor).
 *
 *   lighthouseScore(0.97)        // → 97
 *   lighthouseRating(0.97)       // → 'good'
 *   lighthouseText(0.42)         // → '42 (Poor)'
 *   LIGHTHOUSE_RUNNING           // → 'Running Lighthouse': a row's status while its audit runs
 *
 * A leaf, like words.ts: the CLI and the Vite build both import it.
 */
import { MISSING } from './format.ts'
import { RATING_TEXT, type Rating } from './words.ts'

export const LIGHTHOUSE_RUNNING = 'Running Lighthouse'

export function lighthouseScore(score: number): number {
  return Math.round(score * 100)
}

export function lighthouseRating(score: number): Rating {
  const points = lighthouseScore(score)
  return points >= 90 ? 'good' : points >= 50 ? 'needs-improvement' : 'poor'
}

export function lighthouseText(score: number | null | undefined): string {
  if (score === null || score === undefined) return MISSING
  return `${lighthouseScore(score)} (${RATING_TEXT[lighthouseRating(score)]})`
}
