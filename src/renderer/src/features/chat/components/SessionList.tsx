/**
 * The sessions beside the conversation: New chat (Ctrl+N), search by title and content
 * (`sessions:list` query; Ctrl+K or / focus it), recent or archived, pinned first then
 * the most recently used. Each row renames in place (double-click or F2), and its menu
 * archives or restores, extracts memories, or deletes after a confirmation.
 */
import { ActionIcon, Button, Group, Kbd, Menu, SegmentedControl, Stack, Text, TextInput, UnstyledButton } from '@mantine/core'
import {
  IconDots,
  IconPencil,
  IconPinFilled,
  IconPlus,
  IconSparkles,
  IconTrash
} from '@tabler/icons-react'
import { useEffect, useRef, useState } from 'react'
import type { ChatSession } from '../../../../../shared/chat'
import { toAppError } from '../../../lib/api'
import { modLabel } from '../../../lib/platform'
import { SearchInput } from '../../../components/SearchInput'
import { extractFrom } from '../actions'
import { plural, sessionWhen } from '../format'
import { openSession } from '../route'
import { useChatStore } from '../store'
import { ArchiveSessionItem } from './ArchiveSessionItem'
import { focusComposer } from './Composer'

export const SESSION_SEARCH_ID = 'chat-session-search'

function RenameInput(props: { session: ChatSession }): React.JSX.Element {
  const [title, setTitle] = useState(props.session.title)
  const [error, setError] = useState<string | null>(null)
  const rename = useChatStore((s) => s.rename)
  const setRenaming = useChatStore((s) => s.setRenaming)
  const done = useRef(false)
  const save = (): void => {
    if (done.current) return
    if (title.trim() === props.session.title) {
      done.current = true
      return setRenaming(null)
    }
    done.current = true
    rename(props.session.id, title).catch((err: unknown) => {
      done.current = false
      setError(toAppError(err).message)
    })
  }
  return (
    <TextInput
      size="xs"
      aria-label="Chat title"
      value={title}
      error={error}
      maxLength={200}
      onChange={(e) => setTitle(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault()
          save()
        }
        if (e.key === 'Escape') {
          e.preventDefault()
          e.stopPropagation()
          done.current = true
          setRenaming(null)
        }
      }}
      onBlur={save}
      autoFocus
      onFocus={(e) => e.currentTarget.select()}
    />
  )
}

function SessionRow(props: { session: ChatSession; active: boolean }): React.JSX.Element {
  const s = props.session
  const renaming = useChatStore((st) => st.renamingId === s.id)
  const setRenaming = useChatStore((st) => st.setRenaming)
  const askDelete = useChatStore((st) => st.askDelete)
  const archivedView = useChatStore((st) => st.archived)

  return (
    <li className="engram-session" data-active={props.active || undefined}>
      {renaming ? (
        <div className="engram-session-rename">
          <RenameInput session={s} />
        </div>
      ) : (
        <>
          <UnstyledButton
            className="engram-session-open"
            aria-current={props.active ? 'page' : undefined}
            onClick={() => openSession(s.id)}
            onDoubleClick={() => setRenaming(s.id)}
            onKeyDown={(e) => {
              if (e.key === 'F2') {
                e.preventDefault()
                setRenaming(s.id)
              }
              if (e.key === 'Delete') {
                e.preventDefault()
                askDelete(s.id)
              }
            }}
          >
            <Group gap={6} wrap="nowrap">
              {s.pinned && <IconPinFilled size={12} aria-label="Pinned" style={{ flexShrink: 0 }} />}
              <Text size="sm" fw={props.active ? 600 : 500} truncate style={{ flex: 1 }}>
                {s.title}
              </Text>
            </Group>
            <Text size="xs" c="dimmed" truncate>
              {sessionWhen(s)} · {plural(s.messageCount, 'message', 'messages')}
              {s.importedFrom ? ` · from ${s.importedFrom === 'chatgpt' ? 'ChatGPT' : s.importedFrom === 'claude' ? 'Claude' : s.importedFrom}` : ''}
            </Text>
          </UnstyledButton>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon className="engram-session-menu" variant="subtle" color="gray" size="sm" aria-label={`Actions for ${s.title}`}>
                <IconDots size={16} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setRenaming(s.id)}>
                Rename
              </Menu.Item>
              <Menu.Item leftSection={<IconSparkles size={14} />} onClick={() => extractFrom(s.id)} disabled={s.messageCount === 0}>
                Extract memories
              </Menu.Item>
              <ArchiveSessionItem sessionId={s.id} archived={archivedView || Boolean(s.archivedAt)} />
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => askDelete(s.id)}>
                Delete…
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </>
      )}
    </li>
  )
}

export function newChat(): void {
  openSession(null)
  useChatStore.getState().setEditing(null)
  window.setTimeout(focusComposer, 0)
}

export function SessionList(props: { activeId: string | null }): React.JSX.Element {
  const sessions = useChatStore((s) => s.sessions)
  const total = useChatStore((s) => s.total)
  const query = useChatStore((s) => s.query)
  const archived = useChatStore((s) => s.archived)
  const loading = useChatStore((s) => s.listLoading)
  const error = useChatStore((s) => s.listError)
  const nextCursor = useChatStore((s) => s.nextCursor)
  const setQuery = useChatStore((s) => s.setQuery)
  const setArchived = useChatStore((s) => s.setArchived)
  const list = useRef<HTMLUListElement>(null)

  // Keep the open session's row in view (opened from a citation, or made by the first message).
  useEffect(() => {
    list.current?.querySelector('[data-active]')?.scrollIntoView({ block: 'nearest' })
  }, [props.activeId, sessions.length])

  return (
    <Stack component="nav" aria-label="Chats" gap="sm" className="engram-session-pane">
      <Button leftSection={<IconPlus size={16} />} variant="light" onClick={newChat} rightSection={<Kbd size="xs">{modLabel}+N</Kbd>} justify="space-between" aria-keyshortcuts="Control+N">
        New chat
      </Button>
      <SearchInput
        id={SESSION_SEARCH_ID}
        aria-label="Search chats"
        aria-keyshortcuts="Control+K /"
        placeholder="Search chats…"
        size="sm"
        value={query}
        onChange={setQuery}
        busy={loading && Boolean(query)}
        onArrowDown={() => list.current?.querySelector<HTMLElement>('.engram-session-open')?.focus()}
      />
      <SegmentedControl
        size="xs"
        fullWidth
        aria-label="Which chats"
        value={archived ? 'archived' : 'recent'}
        onChange={(v) => setArchived(v === 'archived')}
        data={[
          { value: 'recent', label: 'Recent' },
          { value: 'archived', label: 'Archived' }
        ]}
      />
      {error && (
        <Text size="sm" c="red" role="alert">
          Could not load chats: {error.message}
        </Text>
      )}
      <ul
        ref={list}
        className="engram-session-list"
        aria-label={archived ? 'Archived chats' : 'Recent chats'}
        onKeyDown={(e) => {
          if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
          const rows = [...(list.current?.querySelectorAll<HTMLElement>('.engram-session-open') ?? [])]
          const at = rows.indexOf(document.activeElement as HTMLElement)
          if (at < 0) return
          e.preventDefault()
          const next = rows[at + (e.key === 'ArrowDown' ? 1 : -1)]
          if (next) next.focus()
          else if (e.key === 'ArrowUp') document.getElementById(SESSION_SEARCH_ID)?.focus()
        }}
      >
        {sessions.map((s) => (
          <SessionRow key={s.id} session={s} active={s.id === props.activeId} />
        ))}
      </ul>
      {total === 0 && !loading && (
        <Text size="sm" c="dimmed" px="xs">
          {query.trim() ? `No chats match “${query.trim()}”.` : archived ? 'No archived chats.' : 'Your chats will be listed here.'}
        </Text>
      )}
      {nextCursor && (
        <Button size="xs" variant="subtle" onClick={() => void useChatStore.getState().loadMoreSessions()} loading={loading}>
          Show more ({(total ?? 0) - sessions.length} left)
        </Button>
      )}
    </Stack>
  )
}
