/**
 * The member table one node keeps: who is there, when each was last heard from,
 * and who wants to know when that changes. Transports feed it (an announcement
 * arrived, a node said goodbye, a heartbeat was missed); it tells listeners only
 * when the set or a member's description actually changed.
 *
 *   const table = new MembershipTable(self)
 *   table.onChange((members, lost) => lost.forEach(failCallsTo))
 *   table.upsert({ node: 'fra-1', region: 'fra', machineId: 'm2', capacity: 1 })
 *   table.expire(Date.now() - 1500) // drops whoever has been silent for 1.5 s
 */

import type { Member, MembershipListener } from './types.ts'

/** Listeners inside the transport also learn which nodes just went away. */
export type TableListener = (members: Member[], lost: string[]) => void

export class MembershipTable {
  private readonly others = new Map<string, { member: Member; heardAt: number }>()
  private readonly listeners = new Set<TableListener>()

  constructor(readonly self: Member) {}

  list(): Member[] {
    const all = [this.self, ...[...this.others.values()].map((entry) => entry.member)]
    return all.sort((a, b) => a.region.localeCompare(b.region) || a.node.localeCompare(b.node))
  }

  has(node: string): boolean {
    return node === this.self.node || this.others.has(node)
  }

  upsert(member: Member, now = Date.now()): void {
    if (member.node === this.self.node) return
    const known = this.others.get(member.node)
    this.others.set(member.node, { member, heardAt: now })
    if (!known || !sameMember(known.member, member)) this.emit([])
  }

  remove(node: string): void {
    if (this.others.delete(node)) this.emit([node])
  }

  /** Drop every member last heard before `heardBefore` (ms since epoch). */
  expire(heardBefore: number): void {
    const lost: string[] = []
    for (const [node, entry] of this.others) {
      if (entry.heardAt < heardBefore) {
        this.others.delete(node)
        lost.push(node)
      }
    }
    if (lost.length > 0) this.emit(lost)
  }

  clear(): void {
    const lost = [...this.others.keys()]
    this.others.clear()
    if (lost.length > 0) this.emit(lost)
  }

  onChange(listener: TableListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Adapts the public listener shape (members only). */
  subscribe(listener: MembershipListener): () => void {
    return this.onChange((members) => listener(members))
  }

  private emit(lost: string[]): void {
    const members = this.list()
    for (const listener of [...this.listeners]) {
      try {
        listener(members, lost)
      } catch {
        // One faulty listener must not keep the others from hearing about the change.
      }
    }
  }
}

function sameMember(a: Member, b: Member): boolean {
  return (
    a.region === b.region &&
    a.machineId === b.machineId &&
    a.capacity === b.capacity &&
    a.httpUrl === b.httpUrl
  )
}
