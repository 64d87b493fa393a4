/**
 * A run's steps in order, as a vertical timeline: each step's status, its attempts, when
 * it will try again while it waits out a backoff, how long it took, and its error in words.
 */
import { Badge, Group, Progress, Stack, Text } from '@mantine/core'
import { IconCheck, IconClockHour4, IconLoader2, IconPlayerStop, IconX } from '@tabler/icons-react'
import type { StepStatus, WorkflowStepInfo } from '../../../../../shared/workflows'
import { elapsedMs, formatDuration, formatFull, formatRelative, formatWhen, humanize, STATUS_LOOK } from '../format'

const MARK: Record<StepStatus, React.ReactNode> = {
  pending: <IconClockHour4 size={14} stroke={2} />,
  running: <IconLoader2 size={14} stroke={2} className="engram-spin" />,
  succeeded: <IconCheck size={14} stroke={2.5} />,
  failed: <IconX size={14} stroke={2.5} />,
  cancelled: <IconPlayerStop size={12} stroke={2} />
}

/** "Waiting to try again" reads better than "Pending" for a step that failed an attempt. */
export function stepState(s: WorkflowStepInfo, now: number): { label: string; color: string; waiting: boolean } {
  const waiting = s.status === 'pending' && s.nextAttemptAt !== null && new Date(s.nextAttemptAt).getTime() > now - 1000
  if (waiting) return { label: 'Waiting to retry', color: 'yellow', waiting }
  const look = STATUS_LOOK[s.status]
  return { label: s.status === 'pending' ? 'Not started' : look.label, color: look.color, waiting }
}

export function StepTimeline(props: { steps: WorkflowStepInfo[]; now: number }): React.JSX.Element {
  return (
    <ol className="engram-steps" aria-label="Steps">
      {props.steps.map((s) => {
        const state = stepState(s, props.now)
        const took = elapsedMs(s.startedAt, s.finishedAt, props.now)
        const pct = Math.round(Math.max(0, Math.min(1, s.progress)) * 100)
        const facts = [
          // Attempts matter once one failed; a clean first go says nothing about them.
          s.attempts > 1 || state.waiting || s.status === 'failed' ? `attempt ${s.attempts} of ${s.maxAttempts}` : null,
          took !== null ? (s.finishedAt ? `took ${formatDuration(took)}` : `running for ${formatDuration(took)}`) : null,
          s.startedAt ? `started ${formatWhen(s.startedAt)}` : null
        ].filter(Boolean)
        return (
          <li key={s.id} className="engram-step" data-status={s.status} aria-label={`Step ${s.index + 1}: ${humanize(s.name)}, ${state.label}`}>
            <span className="engram-step-mark" data-status={state.waiting ? 'pending' : s.status} aria-hidden="true">
              {MARK[s.status]}
            </span>
            <Stack gap={2} style={{ minWidth: 0 }}>
              <Group gap={8} wrap="nowrap" justify="space-between">
                <Text size="sm" fw={500}>
                  {humanize(s.name)}
                </Text>
                <Badge size="xs" variant="light" color={state.color}>
                  {state.label}
                </Badge>
              </Group>
              {facts.length > 0 && (
                <Text size="xs" c="dimmed" title={s.startedAt ? formatFull(s.startedAt) : undefined}>
                  {facts.join(' · ')}
                </Text>
              )}
              {s.status === 'running' && (
                <Progress value={pct} size="xs" radius="xl" aria-label={`Progress of step ${humanize(s.name)}`} style={{ marginTop: 4 }} />
              )}
              {state.waiting && s.nextAttemptAt && (
                <Text size="xs" c="yellow.8" data-testid="step-next-attempt">
                  Next attempt at {formatWhen(s.nextAttemptAt)} ({formatRelative(s.nextAttemptAt, props.now)})
                </Text>
              )}
              {s.error && (s.status === 'failed' || state.waiting) && (
                <Text size="xs" c={s.status === 'failed' ? 'red' : 'dimmed'} style={{ overflowWrap: 'anywhere' }}>
                  {s.status === 'failed' ? s.error : `Last attempt: ${s.error}`}
                </Text>
              )}
            </Stack>
          </li>
        )
      })}
    </ol>
  )
}
