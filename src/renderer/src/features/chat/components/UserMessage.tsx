/** One of the user's messages; Edit (or Up in an empty box, for the last one) opens it in place to change and resend (`chat:edit`). */
import { ActionIcon, Button, Group, Paper, Stack, Text, Textarea, Tooltip } from '@mantine/core'
import { IconPencil } from '@tabler/icons-react'
import { useState } from 'react'
import type { ChatMessage } from '../../../../../shared/chat'
import { toAppError } from '../../../lib/api'
import { useChatStore } from '../store'

function EditBox(props: { message: ChatMessage }): React.JSX.Element {
  const [text, setText] = useState(props.message.content)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const edit = useChatStore((s) => s.edit)
  const setEditing = useChatStore((s) => s.setEditing)
  const cancel = (): void => {
    setEditing(null)
    document.getElementById('chat-composer')?.focus()
  }
  const save = (): void => {
    if (busy) return
    setBusy(true)
    setError(null)
    edit(props.message.id, text)
      .then(() => document.getElementById('chat-composer')?.focus())
      .catch((err: unknown) => setError(toAppError(err).message))
      .finally(() => setBusy(false))
  }
  return (
    <Stack gap="xs" w="100%">
      <Textarea
        aria-label="Edit your message"
        autosize
        minRows={2}
        maxRows={14}
        value={text}
        error={error}
        onChange={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault()
            save()
          }
          if (e.key === 'Escape') {
            e.preventDefault()
            e.stopPropagation()
            cancel()
          }
        }}
        autoFocus
        onFocus={(e) => e.currentTarget.setSelectionRange(e.currentTarget.value.length, e.currentTarget.value.length)}
      />
      <Group justify="flex-end" gap="xs">
        <Text size="xs" c="dimmed" mr="auto">
          What followed is kept in the history and answered anew.
        </Text>
        <Button size="xs" variant="default" onClick={cancel}>
          Cancel
        </Button>
        <Button size="xs" onClick={save} loading={busy}>
          Save and send
        </Button>
      </Group>
    </Stack>
  )
}

export function UserMessage(props: { message: ChatMessage; highlighted: boolean; canEdit: boolean }): React.JSX.Element {
  const m = props.message
  const editing = useChatStore((s) => s.editingId === m.id)
  const setEditing = useChatStore((s) => s.setEditing)
  return (
    <Group
      component="article"
      justify="flex-end"
      className="engram-message engram-message-user"
      aria-label="Your message"
      data-message-id={m.id}
      data-highlighted={props.highlighted || undefined}
      wrap="nowrap"
      align="flex-start"
      gap={4}
    >
      {editing ? (
        <EditBox message={m} />
      ) : (
        <>
          {props.canEdit && (
            <Tooltip label="Edit and resend">
              <ActionIcon className="engram-message-edit" size="sm" variant="subtle" color="gray" aria-label="Edit message" onClick={() => setEditing(m.id)}>
                <IconPencil size={15} />
              </ActionIcon>
            </Tooltip>
          )}
          <Paper className="engram-bubble" radius="lg" px="md" py="xs">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {m.content}
            </Text>
          </Paper>
        </>
      )}
    </Group>
  )
}
