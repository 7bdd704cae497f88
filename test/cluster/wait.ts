/**
 * Polling helpers for tests that wait for something distributed to become true.
 *
 *   const ms = await waitFor(() => a.members().length === 2, 1000, 'a sees b')
 */

/** Resolves with the ms it took for `condition` to hold; rejects after `withinMs`. */
export async function waitFor(condition: () => boolean, withinMs: number, what: string): Promise<number> {
  const start = performance.now()
  while (!condition()) {
    if (performance.now() - start > withinMs)
      throw new Error(`timed out after ${withinMs} ms waiting for: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return performance.now() - start
}

export function nodesOf(members: ReadonlyArray<{ node: string }>): string[] {
  return members.map((m) => m.node).sort()
}
