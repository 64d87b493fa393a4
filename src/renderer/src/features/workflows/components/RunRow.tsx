/** One run in the list: workflow and subject, status, live progress, and when it ran. */
import { Badge, Group, Text } from '@mantine/core'
import { memo } from 'react'
import type { WorkflowRun } from '../../../../../shared/workflows'
import { elapsedMs, formatDuration, formatFull, formatWhen, runSubject, STATUS_LOOK, workflowColor, workflowLabel } from '../format'
import { RunProgress } from './RunProgress'

export const RUN_ROW_HEIGHT = 92
export const runRowId = (id: string): string => `run-row-${id}`

export const RunRow = memo(function RunRow(props: {
  run: WorkflowRun
  index: number
  setSize: number
  start: number
  selected: boolean
  open: boolean
  now: number
  onActivate(id: string): void
  measureRef(el: HTMLElement | null): void
}): React.JSX.Element {
  const { run } = props
  const look = STATUS_LOOK[run.status]
  const subject = runSubject(run.input)
  const took = elapsedMs(run.startedAt, run.finishedAt, props.now)
  const label = workflowLabel(run.name)
  const facts = [
    run.startedAt ? `Started ${formatWhen(run.startedAt)}` : `Queued ${formatWhen(run.createdAt)}`,
    run.finishedAt ? `finished ${formatWhen(run.finishedAt)}` : null,
    took !== null ? (run.finishedAt ? `took ${formatDuration(took)}` : `running for ${formatDuration(took)}`) : null,
    run.attempts > 1 ? `attempt ${run.attempts}` : null
  ].filter(Boolean)
  return (
    <div
      role="option"
      id={runRowId(run.id)}
      aria-selected={props.selected}
      aria-posinset={props.index + 1}
      aria-setsize={props.setSize}
      aria-label={`${label}${subject ? `: ${subject}` : ''}, ${look.label}`}
      data-index={props.index}
      data-open={props.open || undefined}
      data-status={run.status}
      data-run-id={run.id}
      className="engram-vrow engram-run-row"
      ref={props.measureRef}
      style={{ transform: `translateY(${props.start}px)` }}
      onClick={() => props.onActivate(run.id)}
    >
      <Group gap="sm" wrap="nowrap" justify="space-between">
        <Group gap={8} wrap="nowrap" style={{ minWidth: 0 }}>
          <Badge size="sm" variant="dot" color={workflowColor(run.name)} tt="none" style={{ flexShrink: 0 }}>
            {label}
          </Badge>
          {subject && (
            <Text size="sm" fw={500} truncate="end" title={subject}>
              {subject}
            </Text>
          )}
        </Group>
        <Badge size="sm" variant="light" color={look.color} style={{ flexShrink: 0 }} data-testid="run-status">
          {look.label}
        </Badge>
      </Group>
      <RunProgress run={run} now={props.now} size="sm" label={`Progress of ${label}${subject ? ` ${subject}` : ''}`} />
      <Text size="xs" c="dimmed" truncate="end" title={run.startedAt ? formatFull(run.startedAt) : formatFull(run.createdAt)}>
        {facts.join(' · ')}
      </Text>
    </div>
  )
})
