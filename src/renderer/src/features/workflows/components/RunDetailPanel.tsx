/**
 * The open run beside the list (`workflows:get`): what it is about, its status and
 * progress, Cancel or Retry, when it ran, its error in words, the step timeline and the
 * log. Escape closes it.
 */
import { Alert, Anchor, Badge, Button, Center, CloseButton, Divider, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core'
import { IconArrowBackUp, IconPlayerStop, IconRefresh } from '@tabler/icons-react'
import { useState } from 'react'
import type { WorkflowRunDetail } from '../../../../../shared/workflows'
import { cancelRun, retryRun, undoRun } from '../actions'
import { canCancel, canRetry, elapsedMs, formatDuration, formatFull, formatWhen, inputFacts, runSubject, STATUS_LOOK, workflowColor, workflowLabel } from '../format'
import { useWorkflowsStore } from '../store'
import { useNow } from '../useNow'
import { RunLog } from './RunLog'
import { RunProgress } from './RunProgress'
import { StepTimeline } from './StepTimeline'

function Fact(props: { label: string; children: React.ReactNode; title?: string | undefined }): React.JSX.Element {
  return (
    <>
      <Text component="dt" size="xs" c="dimmed">
        {props.label}
      </Text>
      <Text component="dd" size="sm" m={0} title={props.title} style={{ overflowWrap: 'anywhere' }}>
        {props.children}
      </Text>
    </>
  )
}

/** What a finished run made, for the runs that make something to read (a digest) or to take back (a consolidation). */
function RunResult(props: { detail: WorkflowRunDetail }): React.JSX.Element | null {
  const { run } = props.detail
  const [undoing, setUndoing] = useState(false)
  const out = (run.output ?? null) as Record<string, unknown> | null
  if (run.name === 'digest.daily' && run.status === 'succeeded' && out && typeof out['text'] === 'string')
    return (
      <Paper withBorder radius="md" p="sm" aria-label="Digest">
        <Text size="xs" c="dimmed" mb={4}>
          {`Digest for ${String(out['day'])} (${out['method'] === 'llm' ? 'written by the chat model' : 'extractive'})`}
        </Text>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {out['text']}
        </Text>
      </Paper>
    )
  if (run.name === 'memories.consolidate' && ['succeeded', 'failed', 'cancelled'].includes(run.status))
    return (
      <Group gap="sm">
        {out && typeof out['merged'] === 'number' && (
          <Text size="sm">{`Merged ${String(out['merged'])} cluster(s); ${String(out['archived'])} originals moved to the archive.`}</Text>
        )}
        <Button
          size="xs"
          variant="light"
          leftSection={<IconArrowBackUp size={14} />}
          loading={undoing}
          onClick={() => {
            setUndoing(true)
            void undoRun(run.id).finally(() => setUndoing(false))
          }}
        >
          Undo consolidation
        </Button>
      </Group>
    )
  return null
}

function RunBody(props: { detail: WorkflowRunDetail }): React.JSX.Element {
  const { run, steps, logs } = props.detail
  const busy = useWorkflowsStore((s) => s.busy[run.id])
  const live = run.status === 'running' || run.status === 'pending' || steps.some((s) => s.nextAttemptAt !== null && s.status === 'pending')
  const now = useNow(live)
  const took = elapsedMs(run.startedAt, run.finishedAt, now)
  const facts = inputFacts(run.input)
  return (
    <>
      <RunProgress run={run} now={now} size="md" label="Run progress" />
      <Group gap="sm">
        {(canCancel(run) || busy === 'cancel') && (
          <Button size="xs" variant="light" color="red" leftSection={<IconPlayerStop size={14} />} loading={busy === 'cancel'} onClick={() => cancelRun(run.id)}>
            Cancel
          </Button>
        )}
        {run.cancelRequested && !['succeeded', 'failed', 'cancelled'].includes(run.status) && (
          <Text size="sm" c="dimmed">
            Cancelling — it stops at the next safe point.
          </Text>
        )}
        {(canRetry(run) || busy === 'retry') && (
          <Button size="xs" variant="light" leftSection={<IconRefresh size={14} />} loading={busy === 'retry'} onClick={() => retryRun(run.id)}>
            Retry
          </Button>
        )}
      </Group>
      <RunResult detail={props.detail} />
      {run.status === 'failed' && run.error && (
        <Alert color="red" variant="light" title="What went wrong" role="note">
          {run.error}
        </Alert>
      )}
      <dl style={{ display: 'grid', gridTemplateColumns: 'auto minmax(0, 1fr)', columnGap: 12, rowGap: 4, margin: 0, alignItems: 'baseline' }}>
        {facts.map((f) => (
          <Fact key={f.label} label={f.label}>
            {f.documentId ? (
              <Anchor href={`#/documents/${f.documentId}`} size="sm">
                {f.value}
              </Anchor>
            ) : (
              f.value
            )}
          </Fact>
        ))}
        <Fact label="Queued" title={formatFull(run.createdAt)}>
          {formatWhen(run.createdAt)}
        </Fact>
        {run.startedAt && (
          <Fact label="Started" title={formatFull(run.startedAt)}>
            {formatWhen(run.startedAt)}
          </Fact>
        )}
        {run.finishedAt && (
          <Fact label="Finished" title={formatFull(run.finishedAt)}>
            {formatWhen(run.finishedAt)}
          </Fact>
        )}
        {took !== null && <Fact label={run.finishedAt ? 'Took' : 'Running for'}>{formatDuration(took)}</Fact>}
        {run.attempts > 1 && <Fact label="Attempts">{`${run.attempts} (retried by hand)`}</Fact>}
      </dl>
      <Divider />
      <Stack gap="xs">
        <Title order={3} size="h6">
          Steps
        </Title>
        <StepTimeline steps={steps} now={now} />
      </Stack>
      <Stack gap="xs">
        <Title order={3} size="h6">
          Log
        </Title>
        <RunLog logs={logs} steps={steps} />
      </Stack>
    </>
  )
}

export function RunDetailPanel(): React.JSX.Element {
  const detail = useWorkflowsStore((s) => s.detail)
  const loading = useWorkflowsStore((s) => s.detailLoading)
  const error = useWorkflowsStore((s) => s.detailError)
  const close = useWorkflowsStore((s) => s.close)
  const run = detail?.run
  const subject = run ? runSubject(run.input) : null

  return (
    <Paper
      component="aside"
      aria-label="Run details"
      withBorder
      radius="lg"
      p="md"
      className="engram-run-detail"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) {
          close()
          document.querySelector<HTMLElement>('.engram-run-list')?.focus()
        }
      }}
    >
      <Stack gap="md">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Stack gap={4} style={{ minWidth: 0 }}>
            <Group gap="xs">
              <Title order={2} size="h5">
                {run ? workflowLabel(run.name) : 'Run'}
              </Title>
              {run && (
                <Badge size="sm" variant="light" color={STATUS_LOOK[run.status].color} data-testid="run-detail-status">
                  {STATUS_LOOK[run.status].label}
                </Badge>
              )}
            </Group>
            {subject && (
              <Text size="sm" fw={500} truncate="end" title={subject}>
                {subject}
              </Text>
            )}
            {run && (
              <Text size="xs" c="dimmed">
                <Badge size="xs" variant="dot" color={workflowColor(run.name)} tt="none" component="span" mr={6}>
                  {run.name}
                </Badge>
                {run.heavy ? 'Heavy: runs one at a time' : 'Light: may run beside others'}
              </Text>
            )}
          </Stack>
          <CloseButton aria-label="Close run details" onClick={close} />
        </Group>
        {!detail && loading && (
          <Center py="xl">
            <Loader aria-label="Loading the run" />
          </Center>
        )}
        {error && (
          <Alert color="red" variant="light" role="alert" title="Could not load this run">
            {error.message}
          </Alert>
        )}
        {detail && <RunBody detail={detail} />}
      </Stack>
    </Paper>
  )
}
