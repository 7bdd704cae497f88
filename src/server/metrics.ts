/**
 * A node's Prometheus metrics, served at GET /metrics: Node's default process metrics,
 * plus what this node did — tests started here, and every page load it ran (how it
 * ended, how long it took on its runner, how long it queued for one, and each runner
 * boot). The pool gauges are read from the pools at scrape time.
 *
 *   const metrics = new NodeMetrics()
 *   serveMeasurements(cluster, { pool, observer: metrics, … })   // feeds the measurement metrics
 *   metrics.watchPools(() => service.pools())
 *   await metrics.render()
 *   // wps_tests_started_total 3
 *   // wps_measurements_total{region="ord",status="complete",code="none"} 3
 *   // wps_pool_runners{state="ready"} 1
 *
 * Each node counts its own work, so a region's page loads are counted on the node that
 * ran them (label `region`); sum over nodes for the whole cluster.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { MeasurementObserver } from '../speedtest/measurement-observer.ts'
import type { PoolSnapshot } from './test-service.ts'

const RUNNER_STATES = ['ready', 'draining', 'booting'] as const

export class NodeMetrics implements MeasurementObserver {
  readonly registry = new Registry()
  #pools: () => PoolSnapshot[] = () => []
  readonly #testsStarted = new Counter({
    name: 'wps_tests_started_total',
    help: 'Tests started on this node (POST /api/tests answered 201).',
    registers: [this.registry],
  })
  readonly #measurements = new Counter({
    name: 'wps_measurements_total',
    help: 'Page loads this node ran, by region, status (complete|error) and error code (none when complete).',
    labelNames: ['region', 'status', 'code'] as const,
    registers: [this.registry],
  })
  readonly #measurementSeconds = new Histogram({
    name: 'wps_measurement_seconds',
    help: 'Time a page load spent on its runner: browser start when cold, navigation, settling.',
    buckets: [0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 13, 20, 30, 60],
    registers: [this.registry],
  })
  readonly #queueWaitSeconds = new Histogram({
    name: 'wps_queue_wait_seconds',
    help: 'Time a page load waited for a slot on a runner (a runner boot included when it needed one).',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [this.registry],
  })
  readonly #runnerBootSeconds = new Histogram({
    name: 'wps_runner_boot_seconds',
    help: "Boot time of each runner this node's pool started for its page loads.",
    buckets: [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30],
    registers: [this.registry],
  })

  constructor() {
    collectDefaultMetrics({ register: this.registry })
    const pools = () => this.#pools()
    new Gauge({
      name: 'wps_pool_runners',
      help: "Runners of this node's pools by state: ready, draining (finishing work before shutdown), booting.",
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const list = pools()
        const sum = (pick: (pool: PoolSnapshot) => number) => list.reduce((n, pool) => n + pick(pool), 0)
        const values: Record<(typeof RUNNER_STATES)[number], number> = {
          ready: sum((pool) => pool.ready),
          draining: sum((pool) => pool.draining),
          booting: sum((pool) => pool.booting),
        }
        for (const state of RUNNER_STATES) this.set({ state }, values[state])
      },
    })
    new Gauge({
      name: 'wps_pool_waiting',
      help: "Page loads waiting for a free slot in this node's pools.",
      registers: [this.registry],
      collect() {
        this.set(pools().reduce((n, pool) => n + pool.waiting, 0))
      },
    })
  }

  /** Where the pool gauges read from at each scrape. */
  watchPools(pools: () => PoolSnapshot[]): void {
    this.#pools = pools
  }

  testStarted(): void {
    this.#testsStarted.inc()
  }

  queued(seconds: number): void {
    this.#queueWaitSeconds.observe(seconds)
  }

  booted(seconds: number): void {
    this.#runnerBootSeconds.observe(seconds)
  }

  measured(outcome: {
    region: string
    status: 'complete' | 'error'
    code: string | null
    seconds: number
  }): void {
    this.#measurements.inc({ region: outcome.region, status: outcome.status, code: outcome.code ?? 'none' })
    this.#measurementSeconds.observe(outcome.seconds)
  }

  get contentType(): string {
    return this.registry.contentType
  }

  render(): Promise<string> {
    return this.registry.metrics()
  }
}
