/**
 * The import graph of our sources: every file under a folder, and the files each one
 * imports (static `import`/`export … from`, type-only ones included, and `import()`),
 * resolved to paths relative to the repository. Only relative imports are followed:
 * packages are outside the graph.
 *
 *   const graph = importGraph('src')
 *   graph.get('src/server/app.ts')   // → ['src/server/errors.ts', 'src/server/metrics.ts', …]
 *   findCycles(graph)                // → [['src/a.ts', 'src/b.ts']] for a ↔ b
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

const SPECIFIERS = [
  /^\s*import\s+(?:type\s+)?[^'"]*?\s+from\s+['"]([^'"]+)['"]/gm,
  /^\s*import\s+['"]([^'"]+)['"]/gm,
  /^\s*export\s+(?:type\s+)?(?:\*|\{[^}]*\})(?:\s+as\s+\w+)?\s+from\s+['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
]

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder)).flatMap((name) => {
    const path = join(folder, name)
    if (name === 'node_modules' || name === 'dist') return []
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(name) ? [path] : []
  })
}

/** Import specifiers of one file's text, in order. */
export function importsOf(text: string): string[] {
  // Comments mention imports in examples; they are not imports.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  return SPECIFIERS.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1] as string))
}

/** Every source file under `folder` (relative to the repository) → the source files it imports. */
/** Our own packages, imported by name: the files their names lead to (tsconfig paths). */
const PACKAGES: Record<string, string> = {
  '@world-page-speed/flame': 'src/flame/index.ts',
  '@world-page-speed/flame/testing': 'src/flame/testing/index.ts',
}

export function importGraph(folder: string, options: { includeTests?: boolean } = {}): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(folder)) {
    if (!options.includeTests && file.endsWith('.test.ts')) continue
    const text = readFileSync(join(ROOT, file), 'utf8')
    const targets = importsOf(text)
      .map((specifier) => PACKAGES[specifier] ?? specifier)
      .filter((specifier) => specifier.startsWith('.') || specifier.startsWith('src/'))
      .map((specifier) =>
        specifier.startsWith('src/')
          ? specifier
          : relative(ROOT, normalize(join(ROOT, dirname(file), specifier))),
      )
    graph.set(file, [...new Set(targets)])
  }
  return graph
}

/** Import cycles, each as the files along it (found by depth-first search, each cycle once). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = []
  const seen = new Set<string>()
  const state = new Map<string, 'open' | 'closed'>()
  const stack: string[] = []
  const visit = (file: string) => {
    state.set(file, 'open')
    stack.push(file)
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'open') {
        const cycle = stack.slice(stack.indexOf(target))
        const key = [...cycle].sort().join(' ')
        if (!seen.has(key)) {
          seen.add(key)
          cycles.push(cycle)
        }
      } else if (!state.has(target) && graph.has(target)) visit(target)
    }
    stack.pop()
    state.set(file, 'closed')
  }
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file)
  return cycles
}
