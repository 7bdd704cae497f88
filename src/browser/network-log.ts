/**
 * The gathering half of the network log: records the raw CDP `Network.*` events of
 * one page's session, in arrival order, and keeps the one live fact the end-of-load
 * logic needs — how long the network has been quiet. Summaries are computed later,
 * by network-summary.ts, from `events` alone.
 *
 *   const log = new NetworkLog(session)
 *   await session.send('Network.enable')
 *   // …navigate…
 *   log.quietFor(performance.now())   // 0 while requests are in flight
 */
import type { CDPSession } from 'puppeteer-core'
import { isNetworkUrl, type NetworkEvent } from './network-events.ts'

export class NetworkLog {
  readonly events: NetworkEvent[] = []
  #inFlight = new Set<string>()
  #lastActivity = performance.now()

  constructor(session: CDPSession) {
    session.on('Network.requestWillBeSent', (params) => {
      this.#record({ method: 'Network.requestWillBeSent', params })
      if (isNetworkUrl(params.request.url)) this.#inFlight.add(params.requestId)
      else this.#inFlight.delete(params.requestId)
    })
    session.on('Network.responseReceived', (params) =>
      this.#record({ method: 'Network.responseReceived', params }),
    )
    session.on('Network.dataReceived', (params) => this.#record({ method: 'Network.dataReceived', params }))
    session.on('Network.loadingFinished', (params) => {
      this.#record({ method: 'Network.loadingFinished', params })
      this.#inFlight.delete(params.requestId)
    })
    session.on('Network.requestServedFromCache', (params) =>
      this.#record({ method: 'Network.requestServedFromCache', params }),
    )
    session.on('Network.loadingFailed', (params) => {
      this.#record({ method: 'Network.loadingFailed', params })
      this.#inFlight.delete(params.requestId)
    })
  }

  /** ms since the last request started or ended; 0 while any request is in flight. */
  quietFor(now: number): number {
    return this.#inFlight.size > 0 ? 0 : now - this.#lastActivity
  }

  #record(event: NetworkEvent): void {
    this.events.push(event)
    this.#lastActivity = performance.now()
  }
}
