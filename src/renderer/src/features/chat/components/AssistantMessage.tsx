/**
 * One answer: the recall-mode label when no model made it, the streamed or final text as
 * Markdown with citation chips, where it is while it streams (with Stop), what went wrong
 * when it failed or was cut off (with Retry), its sources, and a quiet footer: model,
 * tokens, time, copy, regenerate (last answer), thumbs up / down.
 */
import { ActionIcon, Alert, Button, CopyButton, Group, Stack, Text, Tooltip } from '@mantine/core'
import { IconAlertTriangle, IconCheck, IconCopy, IconPlayerStopFilled, IconRefresh } from '@tabler/icons-react'
import type { ChatMessage } from '../../../../../shared/chat'
import { notifyError } from '../../notifications/store'
import { answerFacts, recallBody } from '../format'
import { useChatStore } from '../store'
import { Feedback } from './Feedback'
import { AnswerMarkdown } from './Markdown'
import { RecallNotice } from './RecallNotice'
import { Sources } from './Sources'
import { StreamingStatus } from './StreamingStatus'

export function AssistantMessage(props: { message: ChatMessage; isLast: boolean; highlighted: boolean }): React.JSX.Element {
  const m = props.message
  const stream = useChatStore((s) => s.streams[m.id])
  const regenerate = useChatStore((s) => s.regenerate)
  const stop = useChatStore((s) => s.stop)
  const streaming = m.status === 'streaming' || stream !== undefined
  const raw = streaming && stream ? stream.text : m.content
  const text = m.mode === 'recall' && !streaming ? recallBody(raw) : raw
  const citations = m.citations.length > 0 ? m.citations : (stream?.citations ?? [])
  const showPhase = streaming && (!stream || stream.phase !== 'streaming' || text === '')
  const failed = !streaming && (m.status === 'error' || m.status === 'incomplete')

  const retry = (): void => {
    regenerate(m.id).catch((err: unknown) => notifyError(err, 'Could not ask again'))
  }

  return (
    <Stack
      component="article"
      gap="xs"
      className="engram-message engram-message-assistant"
      aria-label="Answer"
      data-message-id={m.id}
      data-status={streaming ? 'streaming' : m.status}
      data-mode={m.mode ?? undefined}
      data-highlighted={props.highlighted || undefined}
    >
      {m.mode === 'recall' && !streaming && <RecallNotice error={m.error} />}
      {text && <AnswerMarkdown text={text} citations={citations} />}
      {showPhase && (
        <Group gap="sm">
          <StreamingStatus stream={stream} />
          <Button
            size="compact-xs"
            variant="default"
            leftSection={<IconPlayerStopFilled size={12} />}
            onClick={() => stop(m.id).catch((err: unknown) => notifyError(err, 'Could not stop the answer'))}
          >
            Stop
          </Button>
        </Group>
      )}
      {failed && m.mode !== 'recall' && (
        <Alert
          variant="light"
          color={m.status === 'error' ? 'red' : 'yellow'}
          icon={<IconAlertTriangle size={18} />}
          py="xs"
          role="alert"
          title={m.status === 'error' ? 'No answer' : 'The answer is incomplete'}
        >
          <Group justify="space-between" align="center" gap="sm">
            <Text size="sm">{m.error ?? (m.status === 'error' ? 'Nothing came back from the model.' : 'It stopped before it was finished.')}</Text>
            <Button size="compact-sm" variant="light" color={m.status === 'error' ? 'red' : 'yellow'} leftSection={<IconRefresh size={14} />} onClick={retry}>
              Retry
            </Button>
          </Group>
        </Alert>
      )}
      {!streaming && <Sources citations={citations} messageId={m.id} />}
      {!streaming && (
        <Group justify="space-between" gap="xs" className="engram-message-footer">
          <Text size="xs" c="dimmed" data-testid="answer-facts">
            {answerFacts(m).join(' · ')}
          </Text>
          <Group gap={2}>
            <CopyButton value={m.content} timeout={1500}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy answer'}>
                  <ActionIcon size="sm" variant="subtle" color={copied ? 'teal' : 'gray'} aria-label="Copy answer" onClick={copy}>
                    {copied ? <IconCheck size={15} /> : <IconCopy size={15} />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
            {props.isLast && !failed && (
              <Tooltip label="Regenerate">
                <ActionIcon size="sm" variant="subtle" color="gray" aria-label="Regenerate" onClick={retry}>
                  <IconRefresh size={15} />
                </ActionIcon>
              </Tooltip>
            )}
            <Feedback message={m} />
          </Group>
        </Group>
      )}
    </Stack>
  )
}
