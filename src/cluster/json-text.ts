/**
 * A payload already encoded as JSON. Everything crossing the cluster is JSON; a caller
 * that has the text anyway — a region that measured its row's size by encoding it, a
 * multicall sending one request to 30 nodes — hands it over as `JsonText`, and the
 * transport splices it into its message instead of encoding the value again. The
 * receiver gets the decoded value, as for any other payload.
 *
 *   const body = new JsonText(JSON.stringify(row))       // encoded once
 *   emit(body)                                            // the caller's onMessage gets the row
 *   encodeJson(body) === body.text; encodeJson({ a: 1 }) === '{"a":1}'
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/** The JSON of a payload (undefined for undefined, which JSON leaves out). */
export function encodeJson(value: unknown): string | undefined {
  return value instanceof JsonText ? value.text : JSON.stringify(value)
}

/** `value` as it arrives on the other side of the wire: what JSON keeps of it. */
export function jsonCopy(value: unknown): unknown {
  const text = encodeJson(value)
  return text === undefined ? undefined : JSON.parse(text)
}
