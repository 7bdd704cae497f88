/**
 * A strict little XML reader for checking what we write (JUnit reports): elements,
 * attributes and text, with entity decoding; anything malformed — an unclosed or
 * mismatched tag, a bare `&` or `<`, text after the root — throws. Enough XML to prove a
 * CI system can read the file, without a dependency.
 *
 *   const root = parseXml('<a x="1"><b>hi &amp; bye</b></a>')
 *   root.children[0]?.text   // 'hi & bye'
 */
export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  text: string
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decode(text: string): string {
  if (/[<]/.test(text)) throw new Error(`a bare "<" in ${JSON.stringify(text)}`)
  return text.replace(/&([^;&\s]*);?/g, (match, name: string) => {
    const value = ENTITIES[name]
    if (value === undefined || !match.endsWith(';')) throw new Error(`bad entity ${match}`)
    return value
  })
}

export function parseXml(source: string): XmlElement {
  const body = source.replace(/^\uFEFF?<\?xml[^?]*\?>\s*/, '')
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>/y
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  let at = 0
  while (at < body.length) {
    const next = body.indexOf('<', at)
    const text = body.slice(at, next === -1 ? body.length : next)
    if (text.trim() !== '') {
      const parent = stack.at(-1)
      if (!parent) throw new Error(`text outside the root: ${JSON.stringify(text.slice(0, 40))}`)
      parent.text += decode(text)
    } else decode(text)
    if (next === -1) break
    tag.lastIndex = next
    const match = tag.exec(body)
    if (!match) throw new Error(`malformed tag at ${next}: ${JSON.stringify(body.slice(next, next + 40))}`)
    const [whole, closing, name = '', attributeText = '', selfClosing] = match
    at = next + whole.length
    if (closing) {
      const open = stack.pop()
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`)
      continue
    }
    const attributes: Record<string, string> = {}
    for (const [, key = '', value = ''] of attributeText.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (key in attributes) throw new Error(`attribute ${key} twice on <${name}>`)
      attributes[key] = decode(value)
    }
    const element: XmlElement = { name, attributes, children: [], text: '' }
    const parent = stack.at(-1)
    if (parent) parent.children.push(element)
    else if (root) throw new Error('a second root element')
    else root = element
    if (!selfClosing) stack.push(element)
  }
  if (stack.length > 0) throw new Error(`<${stack.at(-1)?.name}> is never closed`)
  if (!root) throw new Error('no root element')
  return root
}

/** Every element named `name` under (and including) `element`, depth first. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  return [...(element.name === name ? [element] : []), ...element.children.flatMap((c) => findAll(c, name))]
}
