/**
 * Thumbs up / down on an answer (`chat:feedback`); pressing the chosen one again clears
 * it. After a choice a small box asks for an optional comment, sent with the same value.
 */
import { ActionIcon, Button, Group, Popover, Stack, Text, Textarea, Tooltip } from '@mantine/core'
import { IconThumbDown, IconThumbDownFilled, IconThumbUp, IconThumbUpFilled } from '@tabler/icons-react'
import { useState } from 'react'
import type { ChatMessage } from '../../../../../shared/chat'
import { notifyError } from '../../notifications/store'
import { useChatStore } from '../store'

export function Feedback(props: { message: ChatMessage }): React.JSX.Element {
  const m = props.message
  const feedback = useChatStore((s) => s.feedback)
  const [asking, setAsking] = useState(false)
  const [comment, setComment] = useState(m.feedbackComment ?? '')
  const [busy, setBusy] = useState(false)

  const choose = (value: 1 | -1): void => {
    const next = m.feedback === value ? null : value
    setBusy(true)
    feedback(m.id, next)
      .then(() => {
        setComment('')
        setAsking(next !== null)
      })
      .catch((err: unknown) => notifyError(err, 'Could not save your feedback'))
      .finally(() => setBusy(false))
  }

  const sendComment = (): void => {
    if (m.feedback === null) return setAsking(false)
    setBusy(true)
    feedback(m.id, m.feedback, comment.trim() || undefined)
      .then(() => setAsking(false))
      .catch((err: unknown) => notifyError(err, 'Could not save your comment'))
      .finally(() => setBusy(false))
  }

  return (
    <Popover opened={asking} onDismiss={() => setAsking(false)} position="bottom-end" withArrow trapFocus shadow="md" width={300}>
      <Popover.Target>
        <Group gap={2}>
          <Tooltip label={m.feedback === 1 ? 'Good answer (press again to clear)' : 'Good answer'}>
            <ActionIcon
              size="sm"
              variant="subtle"
              color={m.feedback === 1 ? 'teal' : 'gray'}
              aria-label="Good answer"
              aria-pressed={m.feedback === 1}
              disabled={busy}
              onClick={() => choose(1)}
            >
              {m.feedback === 1 ? <IconThumbUpFilled size={15} /> : <IconThumbUp size={15} />}
            </ActionIcon>
          </Tooltip>
          <Tooltip label={m.feedback === -1 ? 'Bad answer (press again to clear)' : 'Bad answer'}>
            <ActionIcon
              size="sm"
              variant="subtle"
              color={m.feedback === -1 ? 'red' : 'gray'}
              aria-label="Bad answer"
              aria-pressed={m.feedback === -1}
              disabled={busy}
              onClick={() => choose(-1)}
            >
              {m.feedback === -1 ? <IconThumbDownFilled size={15} /> : <IconThumbDown size={15} />}
            </ActionIcon>
          </Tooltip>
        </Group>
      </Popover.Target>
      <Popover.Dropdown
        aria-label="Feedback comment"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation()
            setAsking(false)
          }
        }}
      >
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            {m.feedback === -1 ? 'What was wrong with it?' : 'What was good about it?'}
          </Text>
          <Textarea
            aria-label="Comment (optional)"
            placeholder="Optional"
            autosize
            minRows={2}
            maxRows={6}
            maxLength={2000}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault()
                sendComment()
              }
            }}
            data-autofocus
          />
          <Group justify="flex-end" gap="xs">
            <Button size="xs" variant="default" onClick={() => setAsking(false)}>
              Skip
            </Button>
            <Button size="xs" onClick={sendComment} loading={busy} disabled={!comment.trim()}>
              Send comment
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  )
}
