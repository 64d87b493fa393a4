/**
 * The reader: one document's text, paragraphs kept, page markers where pages begin, and
 * only the blocks on screen rendered (a 700,000-character book opens at once). Opened at a
 * span (`#/documents/<id>?start=…&end=…`, or `?chunk=…`) it scrolls there and marks it.
 * The search box finds words within the document (Enter for the next, Shift+Enter for the
 * previous); Esc clears it, then closes the reader.
 */
import { ActionIcon, Alert, Badge, Button, Center, CloseButton, Group, Kbd, Loader, Paper, Progress, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core'
import { IconArrowLeft, IconChevronDown, IconChevronUp, IconKey, IconRefresh, IconSearch } from '@tabler/icons-react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react'
import type { DocumentDetail } from '../../../../../shared/types'
import { retryImport } from '../actions'
import { errorText, failureHint, failureKind, formatBytes, formatDate, formatName, plural, progressLine, STATUS_WORDS } from '../format'
import { blockAt, blockParts, buildBlocks, findMatches, MAX_MATCHES, pageStarts, type Block } from '../reader'
import { closeReader, type DocumentRoute } from '../route'
import { useDocumentsStore } from '../store'

export const READER_SEARCH_ID = 'document-reader-search'

const TextBlock = memo(function TextBlock(props: {
  text: string
  block: Block & { kind: 'text' }
  target: { start: number; end: number } | null
  matches: ReadonlyArray<readonly [number, number]>
  current: number
}): React.JSX.Element {
  const parts = blockParts(props.text, props.block.start, props.block.end, props.target, props.matches)
  return (
    <p className="engram-reader-text">
      {parts.map((p, i) =>
        p.match >= 0 ? (
          <mark key={i} data-match={p.match} data-current={p.match === props.current || undefined} data-target={p.target || undefined}>
            {p.text}
          </mark>
        ) : p.target ? (
          <mark key={i} data-target="">
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        )
      )}
    </p>
  )
})

function NotReadable({ detail }: { detail: DocumentDetail }): React.JSX.Element {
  const doc = detail.document
  const run = useDocumentsStore((s) => (doc.runId ? s.runs[doc.runId] : undefined))
  if (doc.status === 'pending' || doc.status === 'processing') {
    const pct = Math.round((run?.progress ?? 0) * 100)
    return (
      <Stack gap="xs" p="xl" maw={480}>
        <Text fw={500}>Engram is still reading this file.</Text>
        <Progress value={pct} size="sm" radius="xl" animated aria-label={`Importing ${doc.name}`} />
        <Text size="sm" c="dimmed">
          {progressLine(run?.step ?? null, run?.detail ?? null)} · {pct}%. The text appears here as soon as it has been read.
        </Text>
      </Stack>
    )
  }
  if (doc.status === 'failed' || doc.status === 'cancelled') {
    const kind = failureKind(doc)
    const needsPassword = kind === 'encrypted' || kind === 'wrong_password'
    return (
      <Alert m="md" color={doc.status === 'failed' ? 'red' : 'gray'} variant="light" title={doc.status === 'failed' ? 'This file could not be imported' : 'The import was cancelled'}>
        <Stack gap="sm" align="flex-start">
          <Text size="sm">{errorText(doc.error)}</Text>
          {failureHint(kind) && (
            <Text size="sm" c="dimmed">
              {failureHint(kind)}
            </Text>
          )}
          {needsPassword ? (
            <Button size="xs" leftSection={<IconKey size={14} />} onClick={() => useDocumentsStore.getState().askPassword(doc.id)}>
              Enter password
            </Button>
          ) : (
            <Button size="xs" variant="light" leftSection={<IconRefresh size={14} />} onClick={() => void retryImport(doc.id)}>
              Retry
            </Button>
          )}
        </Stack>
      </Alert>
    )
  }
  return (
    <Text p="xl" c="dimmed">
      This document has no text.
    </Text>
  )
}

/** The span the reader was opened at: characters from the URL, or a passage by its index. */
function targetSpan(route: DocumentRoute, detail: DocumentDetail | null): { start: number; end: number } | null {
  if (!detail) return null
  const n = detail.text.length
  if (route.start !== null && route.end !== null) return { start: Math.min(route.start, n), end: Math.min(route.end, n) }
  if (route.chunk !== null) {
    const c = detail.chunks.find((x) => x.index === route.chunk)
    if (c) return { start: c.charStart, end: c.charEnd }
  }
  return null
}

function ReaderText(props: {
  detail: DocumentDetail
  target: { start: number; end: number } | null
  current: number
  matches: Array<[number, number]>
}): React.JSX.Element {
  const { detail, target, matches, current } = props
  const { text, chunks } = detail
  const scroller = useRef<HTMLDivElement>(null)
  const blocks = useMemo(() => buildBlocks(text, detail.document.pages ? pageStarts(chunks) : []), [text, chunks, detail.document.pages])

  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: blocks.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => {
      const b = blocks[i] as Block
      return b.kind === 'page' ? 40 : Math.ceil((b.end - b.start) / 85) * 26 + 16
    },
    overscan: 4
  })

  /** Scrolls block `index` into view, then the element `selector` inside it to a third of the height. */
  const reveal = (index: number, selector: string): void => {
    if (index < 0) return
    virtualizer.scrollToIndex(index, { align: 'start' })
    let tries = 0
    const settle = (): void => {
      const box = scroller.current
      const el = box?.querySelector<HTMLElement>(selector)
      if (box && el) {
        const delta = el.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3
        if (Math.abs(delta) > 4) box.scrollTop += delta
        return
      }
      if (++tries < 20) requestAnimationFrame(settle)
    }
    requestAnimationFrame(settle)
  }

  const targetStart = target?.start ?? null
  const targetEnd = target?.end ?? null
  useEffect(() => {
    if (targetStart !== null) reveal(blockAt(blocks, targetStart), 'mark[data-target]')
    else virtualizer.scrollToOffset(0)
    // Only when the place or the text changes (a quiet reload of the same document keeps the scroll).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [targetStart, targetEnd, text])

  useEffect(() => {
    const m = matches[current]
    if (m) reveal(blockAt(blocks, m[0]), 'mark[data-current]')
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current, matches])

  return (
    <div ref={scroller} className="engram-reader-scroll" tabIndex={0} role="document" aria-label={`Text of ${detail.document.name}`} data-testid="reader-text">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const b = blocks[item.index] as Block
          return (
            <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="engram-reader-block" style={{ transform: `translateY(${item.start}px)`, paddingTop: item.index === 0 ? 20 : undefined, paddingBottom: item.index === blocks.length - 1 ? 24 : undefined }}>
              {b.kind === 'page' ? (
                <div className="engram-reader-page" role="separator" aria-label={`Page ${b.page}`}>
                  Page {b.page}
                </div>
              ) : (
                <TextBlock text={text} block={b} target={target} matches={matches} current={current} />
              )}
            </div>
          )
        })}
      </div>
    </div>
  )
}

/** Keyed by the document's id where it is used, so that another document starts with an empty search. */
export function DocumentReader({ route }: { route: DocumentRoute }): React.JSX.Element {
  const reader = useDocumentsStore((s) => s.reader)
  const detail = reader?.detail ?? null
  const [query, setQuery] = useState('')
  const deferred = useDeferredValue(query)
  const text = detail?.text ?? ''
  const matches = useMemo(() => findMatches(text, deferred), [text, deferred])
  const target = useMemo(() => targetSpan(route, detail), [route, detail])
  // The match the reader is on, for the matches it was chosen in. A new search starts at the
  // first match from the marked passage on (or the first of all), like find in a browser.
  const [at, setAt] = useState<{ matches: Array<[number, number]>; index: number }>({ matches, index: 0 })
  const first = target ? Math.max(0, matches.findIndex((m) => m[1] > target.start)) : 0
  const current = at.matches === matches ? at.index : first

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('[role="dialog"]')) return
      e.preventDefault()
      closeReader()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const step = (by: number): void => {
    if (matches.length === 0) return
    setAt({ matches, index: (current + by + matches.length) % matches.length })
  }

  const doc = detail?.document
  const status = doc ? STATUS_WORDS[doc.status] : null
  const facts = doc
    ? [
        formatName(doc),
        formatBytes(doc.sizeBytes),
        doc.pages !== null ? plural(doc.pages, 'page', 'pages') : null,
        doc.status === 'ready' ? plural(doc.chunkCount, 'passage', 'passages') : null,
        `${plural(text.length, 'character', 'characters')}`,
        `imported ${formatDate(doc.importedAt ?? doc.createdAt)}`
      ].filter(Boolean)
    : []

  let body: React.ReactNode
  if (reader?.error && !detail) {
    body = (
      <Alert m="md" color="red" variant="light" title="Could not open the document">
        {reader.error.message}
      </Alert>
    )
  } else if (!detail) {
    body = (
      <Center p="xl">
        <Loader aria-label="Opening the document" />
      </Center>
    )
  } else if (!detail.text) {
    body = <NotReadable detail={detail} />
  } else {
    body = <ReaderText detail={detail} target={target} current={current} matches={matches} />
  }

  return (
    <Stack gap="md" component="section" aria-label="Reader">
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md">
        <Group gap="sm" align="flex-start" wrap="nowrap" style={{ minWidth: 0 }}>
          <Tooltip label={<>Back to documents <Kbd size="xs">Esc</Kbd></>}>
            <ActionIcon variant="default" size="lg" aria-label="Back to documents" aria-keyshortcuts="Escape" onClick={closeReader}>
              <IconArrowLeft size={18} />
            </ActionIcon>
          </Tooltip>
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Group gap="xs" wrap="nowrap">
              <Title order={2} size="h4" style={{ overflowWrap: 'anywhere' }}>
                {doc?.name ?? 'Opening…'}
              </Title>
              {status && doc?.status !== 'ready' && (
                <Badge size="sm" variant="light" color={status.color}>
                  {status.label}
                </Badge>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              {facts.join(' · ')}
            </Text>
          </Stack>
        </Group>
        {detail?.text && (
          <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
            <TextInput
              id={READER_SEARCH_ID}
              type="search"
              size="sm"
              w={240}
              aria-label="Find in this document"
              placeholder="Find in document…"
              value={query}
              onChange={(e) => setQuery(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault()
                  step(e.shiftKey ? -1 : 1)
                } else if (e.key === 'Escape' && query) {
                  e.preventDefault()
                  setQuery('')
                }
              }}
              leftSection={<IconSearch size={16} aria-hidden="true" />}
              rightSection={query ? <CloseButton size="sm" aria-label="Clear" onClick={() => setQuery('')} /> : null}
            />
            <Text size="xs" c="dimmed" miw={deferred.trim() ? 72 : 0} ta="center" aria-live="polite" data-testid="reader-match-count">
              {deferred.trim() ? (matches.length ? `${current + 1} of ${matches.length >= MAX_MATCHES ? `${MAX_MATCHES}+` : matches.length}` : 'No matches') : ''}
            </Text>
            <ActionIcon variant="subtle" color="gray" aria-label="Previous match" disabled={matches.length === 0} onClick={() => step(-1)}>
              <IconChevronUp size={16} />
            </ActionIcon>
            <ActionIcon variant="subtle" color="gray" aria-label="Next match" disabled={matches.length === 0} onClick={() => step(1)}>
              <IconChevronDown size={16} />
            </ActionIcon>
          </Group>
        )}
      </Group>
      <Paper withBorder radius="lg" style={{ overflow: 'hidden' }}>
        {body}
      </Paper>
    </Stack>
  )
}
