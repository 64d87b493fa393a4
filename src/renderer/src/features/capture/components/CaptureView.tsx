/**
 * The quick-capture window (#/capture): one autofocused box. Enter saves through
 * `memories:capture` (source 'tray'), Shift+Enter is a new line, Esc closes without saving.
 * The window closes only once the core answered: the memory is committed by then. If the
 * text cannot be saved it stays, with the reason. In a plain browser `window.close()` may
 * do nothing, so the view then says "Saved" and clears itself instead.
 */
import { Box, Group, Loader, Stack, Text, Textarea } from '@mantine/core'
import { IconCheck } from '@tabler/icons-react'
import { useEffect, useRef, useState } from 'react'
import type { AppError } from '../../../../../shared/errors'
import { api, fieldErrors, toAppError } from '../../../lib/api'
import { newIdempotencyKey } from '../../../lib/ids'

type Phase = { kind: 'editing' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; error: AppError }

/** How long to wait for the window to go away before saying "Saved" in place. */
const CLOSE_GRACE_MS = 200

export function CaptureView(): React.JSX.Element {
  const [text, setText] = useState('')
  const [phase, setPhase] = useState<Phase>({ kind: 'editing' })
  const box = useRef<HTMLTextAreaElement>(null)
  /** One key per draft: pressing Enter twice, or retrying after a lost answer, never makes two. */
  const key = useRef<string | null>(null)
  const saving = phase.kind === 'saving'

  // Main reuses the hidden window: each time it is shown again, start from an empty box.
  useEffect(
    () =>
      api.on('capture:open', () => {
        key.current = null
        setText('')
        setPhase({ kind: 'editing' })
        requestAnimationFrame(() => box.current?.focus())
      }),
    []
  )

  // After the box was re-enabled (a failed save), the cursor goes back into it.
  useEffect(() => {
    if (phase.kind === 'failed') box.current?.focus()
  }, [phase])

  async function save(): Promise<void> {
    if (saving) return
    key.current ??= newIdempotencyKey()
    setPhase({ kind: 'saving' })
    try {
      await api.invoke('memories:capture', { content: text, source: 'tray', idempotencyKey: key.current })
    } catch (err) {
      setPhase({ kind: 'failed', error: toAppError(err) })
      return
    }
    key.current = null
    window.close()
    // Still here (a browser tab, or main hid the window and kept the page): reset in place.
    setTimeout(() => {
      setText('')
      setPhase({ kind: 'saved' })
      box.current?.focus()
    }, CLOSE_GRACE_MS)
  }

  const error = phase.kind === 'failed' ? (fieldErrors(phase.error)['content'] ?? phase.error.message) : null

  return (
    <Box p="sm" h="100%" component="main">
      <Stack gap={6} h="100%">
        <Textarea
          ref={box}
          aria-label="Quick capture"
          placeholder="What do you want to remember?"
          autoFocus
          autosize
          minRows={3}
          maxRows={8}
          value={text}
          disabled={saving}
          error={error}
          onChange={(e) => {
            setText(e.currentTarget.value)
            if (phase.kind !== 'editing' && phase.kind !== 'saving') setPhase({ kind: 'editing' })
            if (phase.kind === 'failed') key.current = null
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault()
              window.close()
            } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault()
              void save()
            }
          }}
        />
        <Group gap={6} role="status" aria-live="polite">
          {saving && (
            <>
              <Loader size={12} aria-hidden="true" />
              <Text size="xs" c="dimmed">
                Saving…
              </Text>
            </>
          )}
          {phase.kind === 'saved' && (
            <>
              <IconCheck size={14} color="var(--mantine-color-teal-6)" aria-hidden="true" />
              <Text size="xs" c="teal" fw={500}>
                Saved
              </Text>
            </>
          )}
          {(phase.kind === 'editing' || phase.kind === 'failed') && (
            <Text size="xs" c="dimmed">
              Press Enter to save · Shift+Enter for a new line · Esc to close
            </Text>
          )}
        </Group>
      </Stack>
    </Box>
  )
}
