/**
 * A run's progress bar with its note: the step and its last detail while it runs, why it
 * waits while pending (its turn, or a retry's backoff), and the bar's end state after.
 */
import { Group, Progress, Text } from '@mantine/core'
import type { WorkflowRun } from '../../../../../shared/workflows'
import { formatRelative, formatWhen, progressLine, STATUS_LOOK, workflowLabel } from '../format'

export function runNote(run: WorkflowRun, now: number): string {
  const line = progressLine(run.progressDetail.step, run.progressDetail.detail)
  if (run.cancelRequested && (run.status === 'running' || run.status === 'pending')) return 'Cancelling…'
  if (run.scheduledFor && new Date(run.scheduledFor).getTime() > now && !['succeeded', 'failed', 'cancelled'].includes(run.status))
    return `${run.status === 'running' ? 'Waiting to try again' : 'Scheduled'} · ${formatWhen(run.scheduledFor)} (${formatRelative(run.scheduledFor, now)})`
  if (run.status === 'pending') return line && run.attempts > 1 ? line : 'Waiting for its turn'
  if (run.status === 'succeeded') return 'Done'
  if (run.status === 'failed') return 'Stopped by an error'
  if (run.status === 'cancelled') return run.startedAt ? 'Stopped part-way' : 'Cancelled before it started'
  return line
}

export function RunProgress(props: { run: WorkflowRun; now: number; size?: 'xs' | 'sm' | 'md'; label?: string }): React.JSX.Element {
  const { run } = props
  const pct = Math.round(Math.max(0, Math.min(1, run.status === 'succeeded' ? 1 : run.progress)) * 100)
  const look = STATUS_LOOK[run.status]
  const note = runNote(run, props.now)
  return (
    <Group gap="sm" wrap="nowrap">
      <Progress
        value={pct}
        size={props.size ?? 'sm'}
        radius="xl"
        color={run.status === 'running' || run.status === 'pending' ? 'blue' : look.color}
        animated={run.status === 'running' && !run.cancelRequested}
        style={{ flex: 1, minWidth: 80 }}
        aria-label={props.label ?? `Progress of ${workflowLabel(run.name)}`}
      />
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: '60%' }} title={note} data-testid="run-progress-note">
        {pct}%{note ? ` · ${note}` : ''}
      </Text>
    </Group>
  )
}
