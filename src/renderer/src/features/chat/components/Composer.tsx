/**
 * Where a message is written. Enter sends, Shift+Enter is a new line, Up in an empty box
 * edits the last message, Esc stops an answer. One idempotency key per draft (kept by the
 * store) makes a double submit one message; if sending fails the text stays with the reason.
 */
import { ActionIcon, Group, Kbd, Stack, Text, Textarea, Tooltip } from '@mantine/core'
import { IconArrowUp, IconPlayerStopFilled } from '@tabler/icons-react'
import { useState } from 'react'
import { notifyError } from '../../notifications/store'
import { openSession } from '../route'
import { streamingMessageId, useChatStore } from '../store'

export const COMPOSER_ID = 'chat-composer'

export function focusComposer(): void {
  document.getElementById(COMPOSER_ID)?.focus()
}

/** Stops the answer being produced in the open session; false when there is none. */
export function stopCurrent(): boolean {
  const s = useChatStore.getState()
  const id = streamingMessageId(s)
  if (!id) return false
  s.stop(id).catch((err: unknown) => notifyError(err, 'Could not stop the answer'))
  return true
}

function editLast(): boolean {
  const s = useChatStore.getState()
  const last = [...(s.detail?.messages ?? [])].reverse().find((m) => m.role === 'user')
  if (!last || streamingMessageId(s)) return false
  s.setEditing(last.id)
  return true
}

export function Composer(props: { placeholder?: string }): React.JSX.Element {
  const draft = useChatStore((s) => s.draft)
  const sending = useChatStore((s) => s.sending)
  const error = useChatStore((s) => s.sendError)
  const streaming = useChatStore((s) => streamingMessageId(s) !== null)
  const setDraft = useChatStore((s) => s.setDraft)

  const [hint, setHint] = useState<string | null>(null)

  const submit = (): void => {
    const s = useChatStore.getState()
    if (streamingMessageId(s)) return setHint('An answer is still coming: wait for it, or stop it with Esc. Your text stays here.')
    if (s.sending || !s.draft.trim()) return
    void s.send().then((sessionId) => {
      if (sessionId) openSession(sessionId)
    })
  }

  return (
    <Stack gap={4} className="engram-composer">
      <div className="engram-composer-box">
        <Textarea
          id={COMPOSER_ID}
          aria-label="Message"
          aria-keyshortcuts="Enter Shift+Enter ArrowUp Escape"
          placeholder={props.placeholder ?? 'Ask about anything you saved…'}
          autosize
          minRows={1}
          maxRows={10}
          variant="unstyled"
          value={draft}
          // The note about waiting applies only while the answer is still coming.
          error={error?.message ?? (streaming ? hint : null)}
          onChange={(e) => {
            setHint(null)
            setDraft(e.currentTarget.value)
          }}
          onKeyDown={(e) => {
            if (e.nativeEvent.isComposing) return
            if (e.key === 'Enter' && !e.shiftKey && !e.altKey) {
              e.preventDefault()
              submit()
            } else if (e.key === 'ArrowUp' && draft === '' && !e.shiftKey) {
              if (editLast()) e.preventDefault()
            } else if (e.key === 'Escape') {
              if (stopCurrent()) e.preventDefault()
            }
          }}
          style={{ flex: 1 }}
          autoFocus
        />
        {streaming ? (
          <Tooltip label="Stop (Esc)">
            <ActionIcon size="lg" radius="xl" variant="filled" color="gray" aria-label="Stop answer" onClick={() => stopCurrent()}>
              <IconPlayerStopFilled size={16} />
            </ActionIcon>
          </Tooltip>
        ) : (
          <Tooltip label="Send (Enter)">
            <ActionIcon size="lg" radius="xl" variant="filled" aria-label="Send" loading={sending} disabled={!draft.trim()} onClick={submit}>
              <IconArrowUp size={18} />
            </ActionIcon>
          </Tooltip>
        )}
      </div>
      <Group gap={6} justify="flex-end" aria-hidden="true">
        <Text size="xs" c="dimmed">
          <Kbd size="xs">Enter</Kbd> send · <Kbd size="xs">Shift</Kbd>+<Kbd size="xs">Enter</Kbd> new line · <Kbd size="xs">↑</Kbd> edit last ·{' '}
          <Kbd size="xs">Esc</Kbd> stop
        </Text>
      </Group>
    </Stack>
  )
}
