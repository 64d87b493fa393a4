/**
 * One archived memory, document or chat: what it is, when it was archived, and its two actions,
 * Restore and Delete forever (which asks first). Plain buttons in the Tab order.
 */
import { Badge, Button, Group, Paper, Stack, Text } from '@mantine/core'
import { IconArchiveOff, IconFileText, IconMessages, IconTrash } from '@tabler/icons-react'
import { memo } from 'react'
import type { DocumentSummary, Memory } from '../../../../../shared/types'
import type { ChatSession } from '../../../../../shared/chat'
import { restoreItem } from '../actions'
import { formatAgo, formatBytes, formatDateTime, plural } from '../format'
import { useArchiveStore, type ArchiveKind } from '../store'
import { TopicBadges } from '../../../components/TopicBadges'

const MAX_TOPICS = 4

function RowActions(props: { kind: ArchiveKind; id: string; label: string; name: string }): React.JSX.Element {
  const busy = useArchiveStore((s) => s.busy[props.id])
  return (
    <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
      <Button
        size="compact-sm"
        variant="light"
        leftSection={<IconArchiveOff size={14} />}
        loading={busy === 'restore'}
        disabled={busy === 'purge'}
        aria-label={`Restore ${props.name}`}
        onClick={() => restoreItem(props.kind, props.id)}
      >
        Restore
      </Button>
      <Button
        size="compact-sm"
        variant="subtle"
        color="red"
        leftSection={<IconTrash size={14} />}
        loading={busy === 'purge'}
        disabled={busy === 'restore'}
        aria-label={`Delete ${props.name} forever`}
        onClick={() => useArchiveStore.getState().askPurge({ kind: props.kind, id: props.id, label: props.label })}
      >
        Delete forever
      </Button>
    </Group>
  )
}

const shortName = (text: string): string => (text.length > 60 ? `“${text.slice(0, 57)}…”` : `“${text}”`)

export const ArchivedMemoryRow = memo(function ArchivedMemoryRow(props: { memory: Memory }): React.JSX.Element {
  const m = props.memory
  return (
    <Paper component="li" withBorder radius="md" p="sm" className="engram-archive-row" data-id={m.id}>
      <Group gap="md" wrap="nowrap" justify="space-between" align="flex-start">
        <Stack gap={6} style={{ minWidth: 0, flex: 1 }}>
          <Text size="sm" lineClamp={3} style={{ whiteSpace: 'pre-wrap' }}>
            {m.content}
          </Text>
          <Group gap={6} wrap="wrap">
            <Badge size="xs" variant="default" tt="none">
              {m.type}
            </Badge>
            <TopicBadges topics={m.topics} max={MAX_TOPICS} />
            <Text size="xs" c="dimmed" title={m.archivedAt ? formatDateTime(m.archivedAt) : undefined}>
              {m.archivedAt ? `Archived ${formatAgo(m.archivedAt)}` : 'Archived'} · captured {formatAgo(m.createdAt)}
            </Text>
          </Group>
        </Stack>
        <RowActions kind="memories" id={m.id} label={m.content} name={shortName(m.content)} />
      </Group>
    </Paper>
  )
})

export const ArchivedDocumentRow = memo(function ArchivedDocumentRow(props: { doc: DocumentSummary }): React.JSX.Element {
  const d = props.doc
  const facts = [
    d.format ? d.format.toUpperCase() : null,
    formatBytes(d.sizeBytes),
    d.pages !== null ? plural(d.pages, 'page', 'pages') : null,
    d.chunkCount > 0 ? plural(d.chunkCount, 'passage', 'passages') : null,
    d.status !== 'ready' ? d.status : null
  ].filter(Boolean)
  return (
    <Paper component="li" withBorder radius="md" p="sm" className="engram-archive-row" data-id={d.id}>
      <Group gap="md" wrap="nowrap" justify="space-between" align="flex-start">
        <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
          <Group gap={8} wrap="nowrap">
            <IconFileText size={18} stroke={1.6} aria-hidden="true" style={{ flexShrink: 0, color: 'var(--mantine-color-dimmed)' }} />
            <Text size="sm" fw={500} truncate="end" title={d.originalPath ?? d.name}>
              {d.name}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" pl={26}>
            {facts.join(' · ')}
            {' · '}
            <span title={d.archivedAt ? formatDateTime(d.archivedAt) : undefined}>{d.archivedAt ? `Archived ${formatAgo(d.archivedAt)}` : 'Archived'}</span>
          </Text>
        </Stack>
        <RowActions kind="documents" id={d.id} label={d.name} name={d.name} />
      </Group>
    </Paper>
  )
})

export const ArchivedSessionRow = memo(function ArchivedSessionRow(props: { session: ChatSession }): React.JSX.Element {
  const s = props.session
  const facts = [
    plural(s.messageCount, 'message', 'messages'),
    s.lastMessageAt ? `last message ${formatAgo(s.lastMessageAt)}` : `started ${formatAgo(s.createdAt)}`,
    s.importedFrom ? `imported from ${s.importedFrom === 'chatgpt' ? 'ChatGPT' : s.importedFrom === 'claude' ? 'Claude' : s.importedFrom}` : null
  ].filter(Boolean)
  return (
    <Paper component="li" withBorder radius="md" p="sm" className="engram-archive-row" data-id={s.id}>
      <Group gap="md" wrap="nowrap" justify="space-between" align="flex-start">
        <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
          <Group gap={8} wrap="nowrap">
            <IconMessages size={18} stroke={1.6} aria-hidden="true" style={{ flexShrink: 0, color: 'var(--mantine-color-dimmed)' }} />
            <Text size="sm" fw={500} truncate="end" title={s.title}>
              {s.title}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" pl={26}>
            {facts.join(' · ')}
            {' · '}
            <span title={s.archivedAt ? formatDateTime(s.archivedAt) : undefined}>{s.archivedAt ? `Archived ${formatAgo(s.archivedAt)}` : 'Archived'}</span>
          </Text>
        </Stack>
        <RowActions kind="sessions" id={s.id} label={s.title} name={shortName(s.title)} />
      </Group>
    </Paper>
  )
})
