/**
 * One document in the list: its name (the button that opens it), status, facts, and
 * either its import's live progress or, when it failed, what went wrong in words with a
 * next step. Only the selected row's buttons are in the Tab order (the list moves the
 * selection with the arrow keys).
 */
import { ActionIcon, Badge, Button, Group, Progress, Text, Tooltip } from '@mantine/core'
import { IconArchive, IconArchiveOff, IconFileText, IconKey, IconPlayerStop, IconRefresh, IconTrash } from '@tabler/icons-react'
import { memo } from 'react'
import type { DocumentSummary } from '../../../../../shared/types'
import { archiveDocument, cancelImport, restoreDocument, retryImport } from '../actions'
import type { RunProgress } from '../drop'
import { errorText, failureHint, failureKind, formatBytes, formatDate, formatDateTime, formatName, plural, progressLine, STATUS_WORDS } from '../format'
import { openDocumentAt } from '../route'
import { useDocumentsStore } from '../store'

export const DOC_ROW_HEIGHT = 84
export const docRowId = (id: string): string => `document-${id}`
export const docOpenId = (id: string): string => `document-open-${id}`

/** "pages_without_text: 3 of 10 pages have no text" without its machine prefix. */
const warningText = (w: string): string => w.replace(/^[a-z_]+:\s*/, '')

export const DocumentRow = memo(function DocumentRow(props: {
  doc: DocumentSummary
  run: RunProgress | undefined
  index: number
  setSize: number
  start: number
  selected: boolean
  /** This row's buttons are in the Tab order. */
  tabbable: boolean
  measureRef(el: HTMLElement | null): void
}): React.JSX.Element {
  const { doc, run } = props
  const tab = props.tabbable ? 0 : -1
  const open = doc.status === 'pending' || doc.status === 'processing'
  const status = STATUS_WORDS[doc.status]
  const kind = doc.status === 'failed' ? failureKind(doc) : null
  const hint = kind ? failureHint(kind) : null
  const needsPassword = kind === 'encrypted' || kind === 'wrong_password'
  const progress = open ? Math.round((run?.progress ?? 0) * 100) : 0
  const facts = [
    formatName(doc),
    formatBytes(doc.sizeBytes),
    doc.pages !== null ? plural(doc.pages, 'page', 'pages') : null,
    doc.status === 'ready' ? plural(doc.chunkCount, 'passage', 'passages') : null
  ].filter(Boolean)
  const select = (): void => useDocumentsStore.getState().select(doc.id)

  return (
    <div
      role="listitem"
      id={docRowId(doc.id)}
      aria-posinset={props.index + 1}
      aria-setsize={props.setSize}
      aria-label={`${doc.name}, ${status.label}`}
      data-index={props.index}
      data-selected={props.selected}
      data-status={doc.status}
      className="engram-vrow engram-doc-row"
      ref={props.measureRef}
      style={{ transform: `translateY(${props.start}px)` }}
      onClick={select}
      onFocus={select}
    >
      <Group gap="sm" wrap="nowrap" justify="space-between">
        <Group gap={8} wrap="nowrap" style={{ minWidth: 0 }}>
          <IconFileText size={18} stroke={1.6} aria-hidden="true" style={{ flexShrink: 0, color: 'var(--mantine-color-dimmed)' }} />
          <button
            type="button"
            id={docOpenId(doc.id)}
            className="engram-doc-open"
            tabIndex={tab}
            title={doc.originalPath ?? doc.name}
            aria-keyshortcuts="Enter Delete"
            onClick={() => openDocumentAt(doc.id)}
          >
            {doc.name}
          </button>
          <Badge size="sm" variant="light" color={status.color} style={{ flexShrink: 0 }}>
            {status.label}
          </Badge>
        </Group>
        <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
          {open && (
            <Button size="compact-xs" variant="light" color="gray" tabIndex={tab} leftSection={<IconPlayerStop size={14} />} onClick={() => cancelImport(doc.id)}>
              Cancel
            </Button>
          )}
          {needsPassword && (
            <Button size="compact-xs" variant="light" tabIndex={tab} leftSection={<IconKey size={14} />} onClick={() => useDocumentsStore.getState().askPassword(doc.id)}>
              Enter password
            </Button>
          )}
          {(doc.status === 'cancelled' || (doc.status === 'failed' && !needsPassword)) && (
            <Button size="compact-xs" variant="light" color="gray" tabIndex={tab} leftSection={<IconRefresh size={14} />} onClick={() => void retryImport(doc.id)}>
              Retry
            </Button>
          )}
          {doc.archivedAt ? (
            <Tooltip label="Restore">
              <ActionIcon variant="subtle" color="gray" tabIndex={tab} aria-label={`Restore ${doc.name}`} onClick={() => restoreDocument(doc.id)}>
                <IconArchiveOff size={16} />
              </ActionIcon>
            </Tooltip>
          ) : (
            <Tooltip label="Archive">
              <ActionIcon variant="subtle" color="gray" tabIndex={tab} aria-label={`Archive ${doc.name}`} onClick={() => archiveDocument(doc.id, doc.name)}>
                <IconArchive size={16} />
              </ActionIcon>
            </Tooltip>
          )}
          <Tooltip label="Delete">
            <ActionIcon variant="subtle" color="red" tabIndex={tab} aria-label={`Delete ${doc.name}`} onClick={() => useDocumentsStore.getState().askDelete(doc.id)}>
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>

      <Group gap={6} wrap="nowrap" pl={26} style={{ overflow: 'hidden' }}>
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
          {facts.join(' · ')}
        </Text>
        <Text size="xs" c="dimmed" ml="auto" style={{ whiteSpace: 'nowrap', flexShrink: 0 }} title={formatDateTime(doc.importedAt ?? doc.createdAt)}>
          {formatDate(doc.importedAt ?? doc.createdAt)}
        </Text>
      </Group>

      {open && (
        <Group gap="sm" wrap="nowrap" pl={26}>
          <Progress
            value={progress}
            size="sm"
            radius="xl"
            animated={doc.status === 'processing'}
            style={{ flex: 1, maxWidth: 360 }}
            aria-label={`Importing ${doc.name}`}
            aria-valuetext={`${progress}%`}
          />
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} data-testid="document-progress">
            {doc.status === 'pending' && !run?.step ? 'Waiting for its turn' : progressLine(run?.step ?? null, run?.detail ?? null)} · {progress}%
          </Text>
        </Group>
      )}

      {(doc.status === 'failed' || doc.status === 'cancelled') && doc.error && (
        <Text size="xs" pl={26} c={doc.status === 'failed' ? 'red' : 'dimmed'} role={doc.status === 'failed' ? 'note' : undefined}>
          {errorText(doc.error)}
          {hint && (
            <Text span size="xs" c="dimmed">
              {' '}
              {hint}
            </Text>
          )}
        </Text>
      )}

      {doc.status === 'ready' && doc.warnings.length > 0 && (
        <Text size="xs" pl={26} c="dimmed" lineClamp={1} title={doc.warnings.map(warningText).join('\n')}>
          {warningText(doc.warnings[0] as string)}
          {doc.warnings.length > 1 ? ` (+${doc.warnings.length - 1} more)` : ''}
        </Text>
      )}
    </div>
  )
})
