/**
 * A pool's options, their defaults (FLAME's), and the checks that refuse a pool that
 * could never work.
 *
 * `resolveOptions` turns what the caller wrote into settings with every field filled
 * in, once, so the rest of the pool never repeats a default. It also resolves where log
 * lines go and how the caller's hooks are called: a hook that throws is logged, never
 * allowed to break the pool's bookkeeping.
 *
 *   const settings = resolveOptions({ name: 'browser', backend, max: 4, maxConcurrency: 1 })
 *   settings.idleShutdownAfter   // → 30_000
 *   settings.perRunner           // → 1: calls one runner holds at once
 *   settings.log('grow 0→1')     // → stderr: [flame pool=browser] grow 0→1
 *   settings.safely('onShrink', () => settings.hooks.onShrink?.(event))
 */

import type { Backend } from './backend.ts'
import type { FlameError } from './errors.ts'
import { Parent } from './parent.ts'

export interface GrowStartEvent {
  name: string
  count: number
  runnerId: string
}

export interface GrowEndEvent {
  name: string
  count: number
  runnerId: string
  ok: boolean
  bootMs: number
  error?: FlameError
}

export interface ShrinkEvent {
  name: string
  count: number
  runnerId: string
  reason: string
}

export interface PoolOptions {
  /** Names the pool in logs and runner ids (`browser-3`). */
  name: string
  backend: Backend
  /** Runners kept at all times (booted at start). Default 0. Forced to 0 inside a runner. */
  min?: number
  /** Most runners alive at once, booting included. */
  max: number
  /** Calls one runner takes at once. Default 100 (FLAME's default). */
  maxConcurrency?: number
  /** Run-time budget of a call without its own `timeout`. Default 30 s. */
  timeout?: number
  /** How long a runner may take to become ready; also how long a call without `timeout` waits for one. Default 30 s. */
  bootTimeout?: number
  /** Time a runner asked to stop gets to finish its calls. Default 30 s. */
  shutdownTimeout?: number
  /** A runner with no calls for this long shuts down (if more than `min` are ready). Default 30 s. */
  idleShutdownAfter?: number
  /** The same, for the last `min` runners. Default Infinity (they stay). */
  minIdleShutdownAfter?: number
  /** Each runner takes exactly one call, then shuts down. Default false. */
  singleUse?: boolean
  /** A cancelled task still running this long after its caller gave up gets its runner retired. Default 5 s. */
  abortGrace?: number
  /** Parent → runner ping interval. Default 1 s. */
  heartbeatInterval?: number
  /** A runner that hears nothing from the pool for this long exits. Default 5 s. */
  parentTimeout?: number
  /** A runner that hears nothing at all from the pool this long after starting exits. Default 20 s. */
  failsafeTimeout?: number
  onGrowStart?: (event: GrowStartEvent) => void
  onGrowEnd?: (event: GrowEndEvent) => void
  onShrink?: (event: ShrinkEvent) => void
  /** Where log lines go (one per grow, shrink, boot failure). `false` silences. Default: stderr. */
  log?: false | ((line: string) => void)
}

/** PoolOptions with every default applied. */
export interface PoolSettings {
  name: string
  backend: Backend
  min: number
  max: number
  maxConcurrency: number
  /** Calls one runner can hold at once: 1 when single use, else `maxConcurrency`. */
  perRunner: number
  timeout: number
  bootTimeout: number
  shutdownTimeout: number
  idleShutdownAfter: number
  minIdleShutdownAfter: number
  singleUse: boolean
  abortGrace: number
  heartbeatInterval: number
  parentTimeout: number
  failsafeTimeout: number
  /** The caller's options object itself, so hooks are looked up when they fire, as before. */
  hooks: Pick<PoolOptions, 'onGrowStart' | 'onGrowEnd' | 'onShrink'>
  /** Writes one line, prefixed with the pool's name. */
  log(line: string): void
  /** Runs a caller's callback; if it throws, logs that and carries on. */
  safely(what: string, fn: () => void): void
}

export function resolveOptions(options: PoolOptions): PoolSettings {
  const name = options.name
  const max = options.max
  // A pool declared inside a runner must not boot runners of its own at import time.
  const min = Parent.get() ? 0 : (options.min ?? 0)
  const maxConcurrency = options.maxConcurrency ?? 100
  const singleUse = options.singleUse ?? false
  if (!name) throw new TypeError('Pool: name is required')
  if (!(max >= 1)) throw new RangeError('Pool: max must be at least 1')
  if (!(min >= 0 && min <= max)) throw new RangeError('Pool: min must be between 0 and max')
  if (!(maxConcurrency >= 1)) throw new RangeError('Pool: maxConcurrency must be at least 1')
  const sink = options.log === false ? () => {} : (options.log ?? ((line: string) => console.error(line)))
  const log = (line: string): void => sink(`[flame pool=${name}] ${line}`)
  return {
    name,
    backend: options.backend,
    min,
    max,
    maxConcurrency,
    perRunner: singleUse ? 1 : maxConcurrency,
    timeout: options.timeout ?? 30_000,
    bootTimeout: options.bootTimeout ?? 30_000,
    shutdownTimeout: options.shutdownTimeout ?? 30_000,
    idleShutdownAfter: options.idleShutdownAfter ?? 30_000,
    minIdleShutdownAfter: options.minIdleShutdownAfter ?? Number.POSITIVE_INFINITY,
    singleUse,
    abortGrace: options.abortGrace ?? 5_000,
    heartbeatInterval: options.heartbeatInterval ?? 1_000,
    parentTimeout: options.parentTimeout ?? 5_000,
    failsafeTimeout: options.failsafeTimeout ?? 20_000,
    hooks: options,
    log,
    safely(what, fn) {
      try {
        fn()
      } catch (err) {
        log(`${what} callback threw: ${err instanceof Error ? err.message : err}`)
      }
    },
  }
}
