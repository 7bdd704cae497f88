/**
 * A cluster is a set of nodes that know each other. Each node is a member with a
 * region; any node can call a named method on any member and receive a stream of
 * messages from it before the final reply — the shape of a FLAME parent talking to
 * its runners, lifted one level up to whole nodes.
 *
 *   const rows = await multicall(cluster, ['ord-1', 'fra-1'], 'measure', { url }, (node, msg) => render(node, msg))
 *
 * Two transports implement it: `memory` (nodes in one process: one-node mode and tests)
 * and `nats` (nodes anywhere, addressed by subject).
 */

export interface Member {
  /** Unique node id, stable for the node's lifetime. */
  node: string
  region: string
  machineId: string
  /** How many measurements this node will run at once (its pool's budget). */
  capacity: number
  /** Base URL of this node's HTTP server, when it serves one. */
  httpUrl?: string
}

export type MembershipListener = (members: Member[]) => void

/** Emit a message to the caller while a served method runs. */
export type Emit = (message: unknown) => void

export type MethodHandler = (payload: unknown, emit: Emit, signal: AbortSignal) => Promise<unknown>

export interface CallOptions {
  onMessage?: (message: unknown) => void
  signal?: AbortSignal
  /** ms; rejects with a `ClusterError` code `timeout` when exceeded. */
  timeout?: number
}

export interface Cluster {
  readonly self: Member
  /** Live members, self included. */
  members(): Member[]
  onMembership(listener: MembershipListener): () => void
  /** Serve a method on this node. */
  serve(method: string, handler: MethodHandler): void
  /**
   * Call `method` on member `node`. Messages the handler emits arrive in order through
   * `onMessage`; the promise settles with the handler's return value. Rejects with a
   * `ClusterError` whose code is `node_lost` if the member leaves or dies mid-call,
   * `unknown_node` if it is not a member, `remote_error` if the handler throws.
   */
  call(node: string, method: string, payload: unknown, options?: CallOptions): Promise<unknown>
  close(): Promise<void>
}

export type ClusterErrorCode = 'node_lost' | 'unknown_node' | 'remote_error' | 'timeout' | 'aborted'

/** What a handler threw, as it crossed the wire (only on `remote_error`). */
export interface RemoteErrorInfo {
  message: string
  stack?: string
  name?: string
  /** The thrown error's own `code`, when it had a string one (e.g. `runner_lost`). */
  code?: string
}

export class ClusterError extends Error {
  /** Set on `remote_error`: the handler's error as it was thrown there. */
  readonly remote?: RemoteErrorInfo

  constructor(
    readonly code: ClusterErrorCode,
    message: string,
    details?: { remote?: RemoteErrorInfo },
  ) {
    super(message)
    this.name = 'ClusterError'
    if (details?.remote) this.remote = details.remote
  }
}
