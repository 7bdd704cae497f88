/**
 * The wire protocol of the NATS transport: which subjects exist and what JSON
 * travels on them. Kept apart from the connection logic so it can be read (and
 * spoken by another implementation) on its own.
 *
 *   wps.members.announce   {type:'announce', member} every heartbeat; {type:'leave', node} on close
 *   wps.members.probe      {from}: "who is there?" — every node answers with an announce
 *   wps.node.<node>.<method>  {from, body}, reply = the caller's per-call inbox
 *   wps.cancel.<node>      {inbox}: the caller gave up on the call answering to `inbox`
 *   <inbox>                {type:'alive'} | {type:'message', seq, body} | {type:'result', body}
 *                          | {type:'error', message, stack, name?, code?}
 *
 *   subjects('wps').call('fra-1', 'measure') // → 'wps.node.fra-1.measure'
 */

import type { RemoteErrorData } from './pending-call.ts'
import type { Member } from './types.ts'

export type MembershipMessage = { type: 'announce'; member: Member } | { type: 'leave'; node: string }

export interface ProbeMessage {
  from: string
}

export interface CallRequest {
  from: string
  body?: unknown
}

export interface CancelMessage {
  inbox: string
}

/**
 * `alive` is sent every heartbeat while a call runs (not on arrival: the caller's
 * silence clock starts when it calls, a heartbeat comes well within it): a caller
 * that hears nothing for a member timeout knows its request or the replies were
 * lost (e.g. across a NATS restart) and fails the call instead of hanging.
 */
export type ReplyMessage =
  | { type: 'alive' }
  | { type: 'message'; seq: number; body?: unknown }
  | { type: 'result'; body?: unknown }
  | ({ type: 'error' } & RemoteErrorData)

export interface Subjects {
  announce: string
  probe: string
  /** Every method of one node, for the node's own single subscription. */
  nodeWildcard(node: string): string
  call(node: string, method: string): string
  /** The method named by a call subject, or undefined if it is not one. */
  methodOf(subject: string, node: string): string | undefined
  cancel(node: string): string
}

export function subjects(prefix: string): Subjects {
  return {
    announce: `${prefix}.members.announce`,
    probe: `${prefix}.members.probe`,
    nodeWildcard: (node) => `${prefix}.node.${subjectToken(node)}.>`,
    call: (node, method) => `${prefix}.node.${subjectToken(node)}.${subjectToken(method)}`,
    methodOf(subject, node) {
      const head = `${prefix}.node.${subjectToken(node)}.`
      if (!subject.startsWith(head)) return undefined
      const token = subject.slice(head.length)
      return token.includes('.') ? undefined : decodeURIComponent(token)
    },
    cancel: (node) => `${prefix}.cancel.${subjectToken(node)}`,
  }
}

/**
 * Node ids and method names become one subject token each: `.`, `*`, `>` and
 * whitespace would change the subject's meaning, so they are percent-encoded.
 */
export function subjectToken(name: string): string {
  if (name.length === 0) throw new Error('a node id or method name must not be empty')
  return encodeURIComponent(name).replace(
    /[.*!'()~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

export function isMember(value: unknown): value is Member {
  if (typeof value !== 'object' || value === null) return false
  const m = value as Record<string, unknown>
  return (
    typeof m.node === 'string' &&
    typeof m.region === 'string' &&
    typeof m.machineId === 'string' &&
    typeof m.capacity === 'number' &&
    (m.httpUrl === undefined || typeof m.httpUrl === 'string')
  )
}
