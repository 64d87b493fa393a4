/**
 * An answer's Markdown: react-markdown with GFM (tables, lists, strikethrough, autolinks)
 * renders to React elements, so raw HTML in a model's answer is shown as text, never run.
 * Code blocks get a copy button; [n] markers become citation chips.
 */
import { ActionIcon, Anchor, CopyButton, Group, Text, Tooltip, Typography } from '@mantine/core'
import { IconCheck, IconCopy } from '@tabler/icons-react'
import { createContext, memo, useContext } from 'react'
import Markdown, { type Components } from 'react-markdown'
import remarkGfm from 'remark-gfm'
import type { Citation } from '../../../../../shared/chat'
import { CITE_PREFIX, remarkCitations } from '../citations'
import { CitationChip } from './CitationChip'

interface HastLike {
  type: string
  value?: string
  tagName?: string
  properties?: Record<string, unknown>
  children?: HastLike[]
}

const textOf = (n: HastLike | undefined): string => (!n ? '' : n.type === 'text' ? (n.value ?? '') : (n.children ?? []).map(textOf).join(''))

function languageOf(pre: HastLike | undefined): string | null {
  const code = pre?.children?.find((c) => c.tagName === 'code')
  const cls = code?.properties?.className
  const list = Array.isArray(cls) ? cls.map(String) : typeof cls === 'string' ? cls.split(' ') : []
  const lang = list.find((c) => c.startsWith('language-'))
  return lang ? lang.slice('language-'.length) : null
}

function CodeBlock(props: { node?: HastLike | undefined; children?: React.ReactNode }): React.JSX.Element {
  const code = textOf(props.node).replace(/\n$/, '')
  const lang = languageOf(props.node)
  return (
    <div className="engram-code">
      <Group className="engram-code-bar" justify="space-between" gap="xs" px="sm" py={2}>
        <Text size="xs" c="dimmed" ff="monospace">
          {lang ?? 'code'}
        </Text>
        <CopyButton value={code} timeout={1500}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy code'} withArrow openDelay={0}>
              <ActionIcon size="sm" variant="subtle" color={copied ? 'teal' : 'gray'} aria-label={copied ? 'Copied' : 'Copy code'} onClick={copy}>
                {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
      <pre>{props.children}</pre>
    </div>
  )
}

/** The answer's sources, for the citation chips (a context, so the components below stay the same between renders). */
const CitationsContext = createContext<Citation[]>([])

function Cite(props: { n: number }): React.JSX.Element {
  const citations = useContext(CitationsContext)
  return <CitationChip n={props.n} citation={citations.find((c) => c.n === props.n)} />
}

/** One set of components for every answer: new ones each render would remount code blocks (and reset their Copied state). */
const COMPONENTS: Components = {
  pre: ({ node, children }) => <CodeBlock node={node as HastLike | undefined}>{children}</CodeBlock>,
  a: ({ node: _node, href, children, ...rest }) => {
    if (href?.startsWith(CITE_PREFIX)) return <Cite n={Number(href.slice(CITE_PREFIX.length))} />
    return (
      <Anchor href={href} target="_blank" rel="noreferrer noopener" {...rest}>
        {children}
      </Anchor>
    )
  }
}

const PLUGINS = [remarkGfm, remarkCitations]

export const AnswerMarkdown = memo(function AnswerMarkdown(props: { text: string; citations: Citation[] }): React.JSX.Element {
  return (
    <CitationsContext.Provider value={props.citations}>
      <Typography className="engram-markdown">
        <Markdown remarkPlugins={PLUGINS} components={COMPONENTS}>
          {props.text}
        </Markdown>
      </Typography>
    </CitationsContext.Provider>
  )
})
