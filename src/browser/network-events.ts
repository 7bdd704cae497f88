/**
 * The CDP `Network.*` events a page load is measured from, as the network log records
 * them and as the pure code reads them: the summary (network-summary.ts) and the error
 * wording (errors.ts) both take these, so neither needs the other for its types.
 *
 *   const event: NetworkEvent = { method: 'Network.loadingFinished', params: { requestId: '1', timestamp: 2.5, encodedDataLength: 512 } }
 *   isNetworkUrl('data:image/png;base64,…')   // → false: never touches the network
 */

/** The fields of CDP's event params that we read (the real params are supersets). */
export interface RequestWillBeSent {
  requestId: string
  timestamp: number
  /** Epoch seconds of `timestamp` (the browser's clock). */
  wallTime?: number
  type?: string
  request: { url: string; method?: string; initialPriority?: string }
  initiator?: { type: string; url?: string; stack?: { callFrames: Array<{ url: string }> } }
  redirectResponse?: CdpResponse
}
/** CDP `Network.Response`, the fields we read. */
export interface CdpResponse {
  status: number
  encodedDataLength: number
  protocol?: string
  mimeType?: string
  timing?: ResourceTiming
  /** Served from the context's HTTP cache (a repeat view): nothing, or a revalidation, on the wire. */
  fromDiskCache?: boolean
}
/** CDP `Network.ResourceTiming`: `requestTime` in seconds, the rest ms after it (-1: did not happen). */
export interface ResourceTiming {
  requestTime: number
  dnsStart: number
  dnsEnd: number
  connectStart: number
  connectEnd: number
  sslStart: number
  sslEnd: number
  sendStart: number
  sendEnd: number
  receiveHeadersEnd: number
}
export interface ResponseReceived {
  requestId: string
  timestamp: number
  type: string
  response: CdpResponse
}
export interface DataReceived {
  requestId: string
  encodedDataLength: number
  dataLength?: number
}
export interface LoadingFinished {
  requestId: string
  timestamp: number
  encodedDataLength: number
}
export interface LoadingFailed {
  requestId: string
  timestamp: number
  errorText: string
}

/** Chromium served the request from its memory cache: no response event follows with bytes. */
export interface RequestServedFromCache {
  requestId: string
}

export type NetworkEvent =
  | { method: 'Network.requestWillBeSent'; params: RequestWillBeSent }
  | { method: 'Network.responseReceived'; params: ResponseReceived }
  | { method: 'Network.dataReceived'; params: DataReceived }
  | { method: 'Network.loadingFinished'; params: LoadingFinished }
  | { method: 'Network.loadingFailed'; params: LoadingFailed }
  | { method: 'Network.requestServedFromCache'; params: RequestServedFromCache }

/** `data:` and `blob:` URLs never touch the network, so they are not requests of the load. */
export const isNetworkUrl = (url: string): boolean => !/^(data|blob):/i.test(url)
