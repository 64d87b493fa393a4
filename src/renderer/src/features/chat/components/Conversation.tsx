/** The open chat (or a new one): its title and actions above, the thread, the composer below. */
import { ActionIcon, Badge, Group, Menu, Text, Title, Tooltip } from '@mantine/core'
import { IconDots, IconPencil, IconSparkles, IconTrash } from '@tabler/icons-react'
import { extractFrom } from '../actions'
import { useLlmStore } from '../llm'
import { useProposalsStore } from '../proposals'
import { useChatStore } from '../store'
import { ArchiveSessionItem } from './ArchiveSessionItem'
import { Composer } from './Composer'
import { SessionSettings } from './SessionSettings'
import { Thread } from './Thread'

function ScopeBadges(): React.JSX.Element | null {
  const settings = useChatStore((s) => s.detail?.session.settings)
  const profileModel = useLlmStore((s) => s.status?.model ?? null)
  if (!settings) return null
  const docs = settings.documents
  return (
    <Group gap={6}>
      {settings.model && settings.model !== profileModel && (
        <Badge size="sm" variant="light" color="gray" tt="none">
          {settings.model}
        </Badge>
      )}
      {docs && docs.mode !== 'all' && (
        <Badge size="sm" variant="light" color="gray" tt="none">
          {docs.mode === 'only' ? `Only ${docs.documentIds.length} document${docs.documentIds.length === 1 ? '' : 's'}` : `${docs.documentIds.length} document${docs.documentIds.length === 1 ? '' : 's'} left out`}
        </Badge>
      )}
    </Group>
  )
}

export function Conversation(): React.JSX.Element {
  const session = useChatStore((s) => s.detail?.session ?? null)
  const sessionId = useChatStore((s) => s.sessionId)
  const extracting = useProposalsStore((s) => (sessionId ? s.extracting.includes(sessionId) : false))
  const setRenaming = useChatStore((s) => s.setRenaming)
  const askDelete = useChatStore((s) => s.askDelete)

  return (
    <section className="engram-conversation" aria-labelledby="chat-title">
      <Group justify="space-between" wrap="nowrap" className="engram-conversation-head" gap="sm">
        <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
          <Title order={2} size="h4" id="chat-title" lineClamp={1} onDoubleClick={() => session && setRenaming(session.id)}>
            {session ? session.title : sessionId ? ' ' : 'New chat'}
          </Title>
          <ScopeBadges />
        </Group>
        <Group gap={4} wrap="nowrap">
          {session && (
            <Tooltip label="Ask the model what in this chat is worth remembering">
              <ActionIcon variant="subtle" color="gray" aria-label="Extract memories" loading={extracting} disabled={session.messageCount === 0} onClick={() => extractFrom(session.id)}>
                <IconSparkles size={18} />
              </ActionIcon>
            </Tooltip>
          )}
          <SessionSettings key={session?.id ?? 'new'} session={session} />
          {session && (
            <Menu position="bottom-end">
              <Menu.Target>
                <ActionIcon variant="subtle" color="gray" aria-label="More chat actions">
                  <IconDots size={18} />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setRenaming(session.id)}>
                  Rename
                </Menu.Item>
                <ArchiveSessionItem sessionId={session.id} archived={Boolean(session.archivedAt)} />
                <Menu.Divider />
                <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => askDelete(session.id)}>
                  Delete…
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          )}
        </Group>
      </Group>
      {sessionId ? (
        <Thread />
      ) : (
        <div className="engram-thread engram-thread-new">
          <Text c="dimmed" ta="center" size="sm">
            Ask a question about your memories, documents and earlier chats. Answers cite their sources.
          </Text>
        </div>
      )}
      <Composer />
    </section>
  )
}
