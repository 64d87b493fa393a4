/** One row of the memory list: two lines of text (or the highlighted snippet) and its facts. */
import { Badge, Group, Text, Tooltip } from '@mantine/core'
import { IconClockHour4, IconPinFilled } from '@tabler/icons-react'
import { memo } from 'react'
import { formatDateTime, formatImportance, formatRelative } from '../format'
import type { MemoryRowData } from '../rows'
import { Snippet } from './Snippet'
import { TierBadge } from './TierBadge'
import { TopicBadges } from '../../../components/TopicBadges'

/** A first guess; rows are measured once rendered (one line of text is shorter than two). */
export const ROW_HEIGHT = 72
const MAX_TOPICS = 3

export const rowDomId = (id: string): string => `memory-row-${id}`

export const MemoryListRow = memo(function MemoryListRow(props: {
  row: MemoryRowData
  index: number
  /** How many rows the whole list has (aria-setsize), -1 when unknown. */
  setSize: number
  start: number
  selected: boolean
  open: boolean
  onActivate(id: string): void
  measureRef(el: HTMLElement | null): void
}): React.JSX.Element {
  const { row } = props
  return (
    <div
      role="option"
      id={rowDomId(row.id)}
      aria-selected={props.selected}
      aria-posinset={props.index + 1}
      aria-setsize={props.setSize}
      data-index={props.index}
      data-open={props.open || undefined}
      className="engram-vrow engram-memory-row"
      ref={props.measureRef}
      style={{ transform: `translateY(${props.start}px)` }}
      onClick={() => props.onActivate(row.id)}
    >
      <Text size="sm" lineClamp={2} className={row.snippet ? 'engram-snippet' : undefined}>
        {row.pinned && (
          <IconPinFilled size={14} aria-label="Pinned" style={{ verticalAlign: '-2px', marginRight: 6, color: 'var(--mantine-primary-color-filled)' }} />
        )}
        {row.snippet ? <Snippet text={row.content} snippet={row.snippet} /> : row.content}
      </Text>
      <Group gap={6} wrap="nowrap" style={{ overflow: 'hidden' }}>
        <Badge size="xs" variant="default" tt="none">
          {row.type}
        </Badge>
        {row.tier && <TierBadge tier={row.tier} />}
        {row.archived && (
          <Badge size="xs" variant="outline" color="gray">
            archived
          </Badge>
        )}
        {row.importance !== null && (
          <Text size="xs" c="dimmed" aria-label={`Importance ${formatImportance(row.importance)}`}>
            ★ {formatImportance(row.importance)}
          </Text>
        )}
        <TopicBadges topics={row.topics} max={MAX_TOPICS} style={{ flexShrink: 1, minWidth: 0 }} />
        {row.embeddingPending && (
          <Tooltip label="Waiting for embedding: found by keywords until then">
            <IconClockHour4 size={14} aria-label="Embedding pending" style={{ flexShrink: 0, color: 'var(--mantine-color-dimmed)' }} />
          </Tooltip>
        )}
        <Text size="xs" c="dimmed" ml="auto" style={{ whiteSpace: 'nowrap', flexShrink: 0 }} title={formatDateTime(row.createdAt)}>
          {formatRelative(row.createdAt)}
        </Text>
      </Group>
    </div>
  )
})
