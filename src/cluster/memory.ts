/**
 * The in-process transport: every node lives in this process and the hub is the
 * "network" between them. It is the one-node default (no NATS_URL) and the fast
 * double for multi-node tests, so it keeps the same contract as NATS: payloads are
 * copied through JSON, messages and replies arrive asynchronously and in order, a
 * node that closes makes the calls it was serving reject with `node_lost`.
 *
 *   const hub = new MemoryHub()
 *   const ord = createMemoryCluster(hub, { node: 'ord-1', region: 'ord', machineId: 'local', capacity: 1 })
 *   const fra = createMemoryCluster(hub, { node: 'fra-1', region: 'fra', machineId: 'local', capacity: 1 })
 *   fra.serve('echo', async (payload, emit) => { emit('working'); return payload })
 *   await ord.call('fra-1', 'echo', { hi: 1 }, { onMessage: console.log }) // logs 'working', → { hi: 1 }
 */

import { jsonCopy } from './json-text.ts'
import { MembershipTable } from './membership.ts'
import { describeThrown, type PendingCall, remoteError, startPendingCall } from './pending-call.ts'
import {
  type CallOptions,
  type Cluster,
  ClusterError,
  type Member,
  type MembershipListener,
  type MethodHandler,
} from './types.ts'

/** What the hub needs from each node it connects. */
interface HubNode {
  readonly table: MembershipTable
  serveCall(from: string, method: string, payload: unknown, pending: PendingCall, cancel: AbortSignal): void
}

/** The shared "network" of in-process nodes. One hub, one cluster. */
export class MemoryHub {
  private readonly nodes = new Map<string, HubNode>()

  join(node: HubNode): void {
    const joining = node.table.self
    if (this.nodes.has(joining.node)) throw new Error(`node id already in use on this hub: ${joining.node}`)
    for (const other of this.nodes.values()) {
      node.table.upsert(other.table.self)
      other.table.upsert(joining)
    }
    this.nodes.set(joining.node, node)
  }

  leave(nodeId: string): void {
    if (!this.nodes.delete(nodeId)) return
    for (const other of this.nodes.values()) other.table.remove(nodeId)
  }

  find(nodeId: string): HubNode | undefined {
    return this.nodes.get(nodeId)
  }
}

export function createMemoryCluster(hub: MemoryHub, member: Member): Cluster {
  const self: Member = { ...member }
  const table = new MembershipTable(self)
  const handlers = new Map<string, MethodHandler>()
  /** Calls this node is serving, so a close (or a caller leaving) can abort them. */
  const serving = new Set<{ from: string; controller: AbortController }>()
  /** Calls this node made, so losing their target fails them. */
  const calling = new Set<{ node: string; pending: PendingCall }>()
  let closed = false

  table.onChange((_members, lost) => {
    if (lost.length === 0) return
    for (const call of [...calling]) {
      if (lost.includes(call.node)) {
        call.pending.reject(new ClusterError('node_lost', `node ${call.node} left during the call`))
      }
    }
    for (const running of serving) if (lost.includes(running.from)) running.controller.abort()
  })

  const node: HubNode = {
    table,
    serveCall(from, method, payload, pending, cancel) {
      const handler = handlers.get(method)
      if (!handler) {
        pending.reject(remoteError(self.node, method, { message: `no method ${method} on ${self.node}` }))
        return
      }
      const controller = new AbortController()
      const running = { from, controller }
      serving.add(running)
      const stop = (): void => controller.abort()
      cancel.addEventListener('abort', stop, { once: true })
      const emit = (message: unknown): void => {
        if (controller.signal.aborted) return
        const copy = jsonCopy(message)
        queueMicrotask(() => pending.deliver(copy))
      }
      Promise.resolve()
        .then(() => handler(payload, emit, controller.signal))
        .then(
          (value) => {
            const copy = jsonCopy(value)
            queueMicrotask(() => pending.resolve(copy))
          },
          (thrown: unknown) => {
            const data = describeThrown(thrown)
            queueMicrotask(() => pending.reject(remoteError(self.node, method, data)))
          },
        )
        .catch((thrown: unknown) => pending.reject(remoteError(self.node, method, describeThrown(thrown))))
        .finally(() => {
          serving.delete(running)
          cancel.removeEventListener('abort', stop)
        })
    },
  }
  hub.join(node)

  return {
    self,
    members: () => table.list(),
    onMembership: (listener: MembershipListener) => table.subscribe(listener),
    serve(method, handler) {
      handlers.set(method, handler)
    },
    call(target: string, method: string, payload: unknown, options: CallOptions = {}) {
      if (closed) return Promise.reject(new ClusterError('aborted', `${self.node} is closed`))
      const remote = hub.find(target)
      if (!remote || !table.has(target)) {
        return Promise.reject(new ClusterError('unknown_node', `no member ${target}`))
      }
      const cancel = new AbortController()
      const pending = startPendingCall(target, method, options, () => cancel.abort())
      const entry = { node: target, pending }
      calling.add(entry)
      pending.onSettled(() => calling.delete(entry))
      let copy: unknown
      try {
        copy = jsonCopy(payload)
      } catch (thrown) {
        return Promise.reject(thrown)
      }
      queueMicrotask(() => {
        if (!pending.settled) remote.serveCall(self.node, method, copy, pending, cancel.signal)
      })
      return pending.promise
    },
    async close() {
      if (closed) return
      closed = true
      for (const running of serving) running.controller.abort()
      for (const call of [...calling]) call.pending.reject(new ClusterError('aborted', `${self.node} closed`))
      hub.leave(self.node)
      table.clear()
    },
  }
}
