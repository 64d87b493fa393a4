/**
 * The active thread, oldest first, in a scroll box that follows new text while the reader
 * is at the bottom (and stays put when they scrolled up to read). A message named in the
 * route (`?message=`, from a citation) is scrolled to and marked.
 */
import { Alert, Center, Loader, Stack } from '@mantine/core'
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { ChatMessage } from '../../../../../shared/chat'
import { useNotifications } from '../../notifications/store'
import { clearMessageMark, useChatRoute } from '../route'
import { streamingMessageId, useChatStore } from '../store'
import { AssistantMessage } from './AssistantMessage'
import { UserMessage } from './UserMessage'

const NEAR_BOTTOM_PX = 96

export function Thread(): React.JSX.Element {
  const detail = useChatStore((s) => s.detail)
  const loading = useChatStore((s) => s.detailLoading)
  const error = useChatStore((s) => s.detailError)
  const busy = useChatStore((s) => streamingMessageId(s) !== null)
  // Follows streamed text: the signature changes with every delta.
  const signature = useChatStore((s) => {
    const msgs = s.detail?.messages ?? []
    const last = msgs[msgs.length - 1]
    return `${msgs.length}:${last?.id ?? ''}:${last?.status ?? ''}:${last ? (s.streams[last.id]?.text.length ?? last.content.length) : 0}`
  })
  const route = useChatRoute()
  const box = useRef<HTMLDivElement>(null)
  const stuck = useRef(true)
  const [highlight, setHighlight] = useState<string | null>(null)

  const messages: ChatMessage[] = detail?.messages.filter((m) => m.role === 'user' || m.role === 'assistant') ?? []
  const lastAssistant = [...messages].reverse().find((m) => m.role === 'assistant')?.id

  useLayoutEffect(() => {
    const el = box.current
    if (el && stuck.current && !route.messageId) el.scrollTop = el.scrollHeight
  }, [signature, route.messageId])

  // A new session starts at its end.
  useLayoutEffect(() => {
    stuck.current = true
  }, [detail?.session.id])

  useEffect(() => {
    const id = route.messageId
    if (!id || !detail || detail.session.id !== route.sessionId) return
    const el = box.current?.querySelector<HTMLElement>(`[data-message-id="${id}"]`)
    if (el) {
      setHighlight(id)
      stuck.current = false
      el.scrollIntoView({ block: 'center' })
    } else {
      useNotifications.getState().notify({ kind: 'info', title: 'That message is not in this chat any more', message: 'It was edited or regenerated since; the newer version is shown.' })
    }
    clearMessageMark()
  }, [route.messageId, route.sessionId, detail])

  return (
    <div
      ref={box}
      className="engram-thread"
      role="log"
      aria-label="Conversation"
      aria-busy={busy}
      onScroll={(e) => {
        const el = e.currentTarget
        stuck.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX
      }}
    >
      <Stack gap="lg" className="engram-thread-inner">
        {!detail && loading && (
          <Center py="xl">
            <Loader aria-label="Loading the conversation" />
          </Center>
        )}
        {error && (
          <Alert color="red" variant="light" role="alert" title={error.code === 'not_found' ? 'This chat is gone' : 'Could not load this chat'}>
            {error.code === 'not_found' ? 'It was deleted, or belongs to another profile. Start a new chat with Ctrl+N.' : error.message}
          </Alert>
        )}
        {messages.map((m) =>
          m.role === 'user' ? (
            <UserMessage key={m.id} message={m} highlighted={highlight === m.id} canEdit={!busy} />
          ) : (
            <AssistantMessage key={m.id} message={m} isLast={m.id === lastAssistant} highlighted={highlight === m.id} />
          )
        )}
      </Stack>
    </div>
  )
}
