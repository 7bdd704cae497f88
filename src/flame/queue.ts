/**
 * The waiting line of a pool: first in, first out, and any entry can leave early.
 *
 * Callers that find every runner busy wait here in arrival order. A waiter whose
 * deadline passes or whose caller aborts leaves from the middle, in O(1), without
 * disturbing anyone's place (FLAME's `Queue` does the same with a tree keyed by an index).
 *
 *   const q = new Queue<string>()
 *   const a = q.push('first'); q.push('second')
 *   q.delete(a)      // 'first' gave up
 *   q.shift()        // → 'second'
 */
export class Queue<T> {
  private readonly items = new Map<number, T>()
  private next = 0

  get size(): number {
    return this.items.size
  }

  /** Add to the back; returns a key for `delete`. */
  push(item: T): number {
    const key = this.next++
    this.items.set(key, item)
    return key
  }

  /** Remove and return the front, or undefined when empty. */
  shift(): T | undefined {
    for (const [key, item] of this.items) {
      this.items.delete(key)
      return item
    }
    return undefined
  }

  /** Remove an entry wherever it is; false if it already left. */
  delete(key: number): boolean {
    return this.items.delete(key)
  }

  /** Every entry, front first (a snapshot: safe to change the queue meanwhile). */
  values(): T[] {
    return [...this.items.values()]
  }

  /** Remove and return everything, front first. */
  drain(): T[] {
    const all = [...this.items.values()]
    this.items.clear()
    return all
  }
}
