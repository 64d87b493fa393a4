/**
 * Chat: conversations about what the user has saved. The sessions on the left, the open
 * conversation on the right; answers stream in with their phases, cite their sources and
 * take feedback. With no conversations at all it is an honest empty state with the box
 * to ask the first question. Keys: Ctrl+N new chat, Ctrl+K or / search chats, Esc stops
 * an answer, Up in an empty box edits the last message.
 */
import { Anchor, Badge, Group, Stack, Title, Tooltip } from '@mantine/core'
import { IconMessageCircle } from '@tabler/icons-react'
import { useEffect } from 'react'
import { SectionEmptyState } from '../../../app/SectionEmptyState'
import { isMac } from '../../../lib/platform'
import '../chat.css'
import { useLlmStore } from '../llm'
import { replaceWithSession, useChatRoute } from '../route'
import { openChatModelSettings } from '../settingsLink'
import { useChatStore } from '../store'
import { useChatEvents } from '../useChatEvents'
import { Composer, stopCurrent } from './Composer'
import { Conversation } from './Conversation'
import { DeleteSessionModal } from './DeleteSessionModal'
import { ProposalsButton, ProposalsDrawer } from './ProposalsInbox'
import { newChat, SESSION_SEARCH_ID, SessionList } from './SessionList'

const isTyping = (el: EventTarget | null): boolean =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))

function ModelBadge(): React.JSX.Element | null {
  const status = useLlmStore((s) => s.status)
  if (!status) return null
  if (status.configured)
    return (
      <Tooltip label={`Answers come from ${status.model} at ${status.baseUrl}`}>
        <Badge variant="light" color="teal" tt="none" size="lg" data-testid="chat-model">
          {status.model}
        </Badge>
      </Tooltip>
    )
  return (
    <Anchor component="button" type="button" size="sm" onClick={openChatModelSettings} data-testid="chat-model">
      Recall mode — set up a chat model
    </Anchor>
  )
}

function useChatShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const mod = isMac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey
      const dialog = document.querySelector('[role="dialog"]') !== null
      if (mod && !e.altKey && !e.shiftKey && (e.key === 'n' || e.key === 'N')) {
        e.preventDefault()
        newChat()
      } else if ((mod && !e.altKey && !e.shiftKey && (e.key === 'k' || e.key === 'K')) || (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target) && !dialog)) {
        const box = document.getElementById(SESSION_SEARCH_ID)
        if (!box) return
        e.preventDefault()
        box.focus()
      } else if (e.key === 'Escape' && !e.defaultPrevented && !dialog && !isTyping(e.target)) {
        if (stopCurrent()) e.preventDefault()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}

export function ChatScreen(): React.JSX.Element {
  useChatEvents()
  useChatShortcuts()
  const route = useChatRoute()
  const profileId = useChatStore((s) => s.profileId)
  const empty = useChatStore((s) => s.total === 0 && !s.archived && s.query.trim() === '' && s.sessionId === null && !s.sending)

  useEffect(() => {
    if (!profileId) return
    const last = useChatStore.getState().sessionId
    // The section link (#/chat) goes back to the conversation open last.
    if (route.sessionId === null && !route.isNew && last) return replaceWithSession(last)
    void useChatStore.getState().show(route.sessionId)
  }, [route.sessionId, route.isNew, profileId])

  return (
    <div className="engram-chat">
      <Group justify="space-between" className="engram-chat-head">
        <Group gap="md">
          <Title order={1} size="h2">
            Chat
          </Title>
          <ModelBadge />
        </Group>
        <ProposalsButton />
      </Group>
      <div className="engram-chat-body">
        <SessionList activeId={route.sessionId} />
        {empty ? (
          <Stack className="engram-conversation" gap="md" justify="center">
            <SectionEmptyState icon={IconMessageCircle} title="No conversations yet" description="Ask anything about what you've saved." />
            <Composer />
          </Stack>
        ) : (
          <Conversation />
        )}
      </div>
      <DeleteSessionModal />
      <ProposalsDrawer />
    </div>
  )
}
