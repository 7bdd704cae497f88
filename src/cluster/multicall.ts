/**
 * Call one method on many nodes at once and wait for all of them, the way a test
 * asks every region to measure the same page: each node's messages arrive tagged
 * with the node as they happen, and one node failing never hides the others.
 *
 *   const settled = await multicall(cluster, ['ord-1', 'fra-1'], 'measure', { url }, {
 *     onMessage: (node, msg) => render(node, msg),
 *   })
 *   // → [{ node: 'ord-1', status: 'fulfilled', value }, { node: 'fra-1', status: 'rejected', reason }]
 *
 * `onSettled` hands over each node's result as soon as that node is done, so a fast
 * region need not wait for the slowest one to be reported.
 */

import { JsonText } from './json-text.ts'
import { type Cluster, ClusterError } from './types.ts'

export interface MulticallOptions {
  onMessage?: (node: string, message: unknown) => void
  /** Each node's result the moment it settles, before the others have. */
  onSettled?: (result: MulticallResult) => void
  signal?: AbortSignal
  /** ms, per node. */
  timeout?: number
}

export type MulticallResult =
  | { node: string; status: 'fulfilled'; value: unknown }
  | { node: string; status: 'rejected'; reason: ClusterError }

/** Results come back in the order of `nodes`. A bare function is taken as `onMessage`. */
export async function multicall(
  cluster: Cluster,
  nodes: readonly string[],
  method: string,
  payload: unknown,
  options: MulticallOptions | MulticallOptions['onMessage'] = {},
): Promise<MulticallResult[]> {
  const { onMessage, onSettled, signal, timeout } =
    typeof options === 'function' ? { onMessage: options, onSettled: undefined } : options
  const body = encodeOnce(payload)
  return Promise.all(
    nodes.map(async (node): Promise<MulticallResult> => {
      const result = await callOne(node)
      onSettled?.(result)
      return result
    }),
  )

  async function callOne(node: string): Promise<MulticallResult> {
    try {
      const value = await cluster.call(node, method, body, {
        signal,
        timeout,
        onMessage: onMessage ? (message) => onMessage(node, message) : undefined,
      })
      return { node, status: 'fulfilled', value }
    } catch (thrown) {
      const reason =
        thrown instanceof ClusterError ? thrown : new ClusterError('remote_error', String(thrown))
      return { node, status: 'rejected', reason }
    }
  }
}

/** The same request goes to every node: encoded once, not once per node (json-text.ts). */
function encodeOnce(payload: unknown): unknown {
  if (payload === undefined || payload instanceof JsonText) return payload
  try {
    return new JsonText(JSON.stringify(payload))
  } catch {
    return payload // unencodable: each call fails on it as it would have
  }
}
