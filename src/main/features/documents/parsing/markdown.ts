/**
 * Markdown keeps its text as written (the markup is readable, and search should find what
 * the author typed); what parsing adds is structure: the headings, found by marked's lexer
 * so that a "# comment" inside a code fence is not taken for one. A YAML front matter block
 * is kept in the text and its `title:` becomes the title.
 */
import { marked, type Token, type Tokens } from 'marked'
import type { Section } from './types'

const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/

/** Inline markup out of a heading: emphasis, code ticks, links, images, trailing #s. */
function plainHeading(s: string): string {
  return s
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
    .replace(/[*_`~]+/g, '')
    .replace(/\s+#+\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim()
}

function frontMatterTitle(yaml: string): string | undefined {
  const m = /^title:[ \t]*(.+)$/m.exec(yaml)
  if (!m?.[1]) return undefined
  const t = m[1].trim().replace(/^(['"])(.*)\1$/, '$2').trim()
  return t && t !== '|' && t !== '>' ? t : undefined
}

export interface MarkdownStructure {
  title?: string
  sections: Section[]
}

/** Headings of `text` (already normalized to LF), with offsets into it. */
export function markdownStructure(text: string): MarkdownStructure {
  const fm = FRONT_MATTER.exec(text)
  const offset = fm ? fm[0].length : 0
  const body = text.slice(offset)
  let tokens: Token[]
  try {
    tokens = marked.lexer(body)
  } catch {
    tokens = []
  }
  const sections: Section[] = []
  let pos = offset
  for (const t of tokens) {
    if (text.startsWith(t.raw, pos)) {
      if (t.type === 'heading') {
        const h = t as Tokens.Heading
        const heading = plainHeading(h.text)
        const lead = t.raw.length - t.raw.trimStart().length
        if (heading) sections.push({ heading, level: h.depth, start: pos + lead })
      }
      pos += t.raw.length
    } else {
      // The lexer rewrote something: offsets after this point cannot be trusted, so the
      // headings found so far are all we report.
      break
    }
  }
  const title = (fm?.[1] ? frontMatterTitle(fm[1]) : undefined) ?? sections.find((s) => s.level === 1)?.heading
  return { ...(title ? { title } : {}), sections }
}
