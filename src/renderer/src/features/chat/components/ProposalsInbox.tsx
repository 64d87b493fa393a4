/**
 * Memories the model proposed from conversations, waiting for a decision: a button with
 * the count (kept fresh by `proposals:changed`) opens a drawer listing each proposal, an
 * update with the text it would replace. Confirm (after editing, if wanted) saves it as a
 * memory; Reject drops it.
 */
import { Alert, Badge, Button, Drawer, Group, Indicator, Paper, Stack, Text, Textarea, Tooltip, ActionIcon } from '@mantine/core'
import { IconCheck, IconInbox, IconPencil, IconX } from '@tabler/icons-react'
import { useState } from 'react'
import type { MemoryProposal } from '../../../../../shared/chat'
import { toAppError } from '../../../lib/api'
import { notifySuccess } from '../../notifications/store'
import { useProposalsStore } from '../proposals'
import { openSession } from '../route'

function ProposalCard(props: { proposal: MemoryProposal }): React.JSX.Element {
  const p = props.proposal
  const confirm = useProposalsStore((s) => s.confirm)
  const reject = useProposalsStore((s) => s.reject)
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState(p.content)
  const [busy, setBusy] = useState<'confirm' | 'reject' | null>(null)
  const [error, setError] = useState<string | null>(null)

  const run = (kind: 'confirm' | 'reject'): void => {
    setBusy(kind)
    setError(null)
    const edited = editing && text.trim() !== p.content ? text : undefined
    const call = kind === 'confirm' ? confirm(p.id, edited) : reject(p.id)
    call
      .then(() => notifySuccess(kind === 'confirm' ? (p.action === 'update' ? 'Memory updated' : 'Memory saved') : 'Proposal rejected'))
      .catch((err: unknown) => setError(toAppError(err).message))
      .finally(() => setBusy(null))
  }

  return (
    <Paper withBorder radius="md" p="sm" component="li" aria-label={`Proposed memory: ${p.content}`} className="engram-proposal">
      <Stack gap="xs">
        <Group gap="xs">
          <Badge size="sm" variant="light" color={p.action === 'update' ? 'blue' : 'teal'}>
            {p.action === 'update' ? 'Update' : 'New'}
          </Badge>
          <Badge size="sm" variant="default" tt="none">
            {p.type}
          </Badge>
          {p.topics.map((t) => (
            <Text key={t} size="xs" c="dimmed">
              #{t}
            </Text>
          ))}
        </Group>
        {p.action === 'update' && p.targetContent && (
          <Stack gap={2}>
            <Text size="xs" c="dimmed">
              Replaces
            </Text>
            <Text size="sm" c="dimmed" td="line-through" style={{ whiteSpace: 'pre-wrap' }} data-testid="proposal-old">
              {p.targetContent}
            </Text>
          </Stack>
        )}
        {editing ? (
          <Textarea aria-label="Memory text" autosize minRows={2} maxRows={10} value={text} onChange={(e) => setText(e.currentTarget.value)} autoFocus />
        ) : (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {p.content}
          </Text>
        )}
        {p.reason && (
          <Text size="xs" c="dimmed">
            Why: {p.reason}
          </Text>
        )}
        {error && (
          <Text size="sm" c="red" role="alert">
            {error}
          </Text>
        )}
        <Group gap="xs" justify="space-between">
          <Group gap={4}>
            {p.sessionId && (
              <Button size="compact-xs" variant="subtle" color="gray" onClick={() => openSession(p.sessionId)}>
                From this chat
              </Button>
            )}
          </Group>
          <Group gap="xs">
            {!editing && (
              <Tooltip label="Edit before confirming">
                <ActionIcon size="md" variant="subtle" color="gray" aria-label="Edit proposal" onClick={() => setEditing(true)}>
                  <IconPencil size={16} />
                </ActionIcon>
              </Tooltip>
            )}
            <Button size="xs" variant="default" leftSection={<IconX size={14} />} loading={busy === 'reject'} disabled={busy !== null} onClick={() => run('reject')}>
              Reject
            </Button>
            <Button size="xs" leftSection={<IconCheck size={14} />} loading={busy === 'confirm'} disabled={busy !== null || !text.trim()} onClick={() => run('confirm')}>
              Confirm
            </Button>
          </Group>
        </Group>
      </Stack>
    </Paper>
  )
}

export function ProposalsButton(): React.JSX.Element {
  const count = useProposalsStore((s) => s.items.length)
  const setOpened = useProposalsStore((s) => s.setOpened)
  return (
    <Indicator label={count} size={18} disabled={count === 0} offset={4}>
      <Button variant="default" size="sm" leftSection={<IconInbox size={16} />} onClick={() => setOpened(true)} aria-label={`Memory proposals (${count} to review)`}>
        Proposals
      </Button>
    </Indicator>
  )
}

export function ProposalsDrawer(): React.JSX.Element {
  const opened = useProposalsStore((s) => s.opened)
  const items = useProposalsStore((s) => s.items)
  const loaded = useProposalsStore((s) => s.loaded)
  const error = useProposalsStore((s) => s.error)
  const setOpened = useProposalsStore((s) => s.setOpened)
  return (
    <Drawer opened={opened} onClose={() => setOpened(false)} position="right" size="md" title="Memory proposals">
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          Things the model thought worth remembering from your chats. Nothing is saved until you confirm it.
        </Text>
        {error && (
          <Alert color="red" variant="light" role="alert" title="Could not load proposals">
            {error.message}
          </Alert>
        )}
        {loaded && items.length === 0 && !error && (
          <Text size="sm">Nothing to review. Use “Extract memories” on a chat to ask the model what is worth keeping.</Text>
        )}
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Proposals to review">
          {items.map((p) => (
            <ProposalCard key={p.id} proposal={p} />
          ))}
        </Stack>
      </Stack>
    </Drawer>
  )
}
