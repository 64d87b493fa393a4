/**
 * How long finished runs took, by when they finished (`workflows:durations`, the newest
 * 500): a scatter chart (recharts) with one colour per workflow, failed and cancelled runs
 * drawn as crosses. Clicking a point opens its run. Screen readers get the same story in
 * words (runs, median and longest per workflow).
 */
import { Group, Paper, Stack, Text, Title } from '@mantine/core'
import { useMemo } from 'react'
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts'
import type { WorkflowDuration } from '../../../../../shared/workflows'
import { durationTicks, formatDuration, formatTickSeconds, formatWhen, plural, STATUS_LOOK, timeTicks, workflowColor, workflowLabel } from '../format'
import { useWorkflowsStore } from '../store'

const HEIGHT = 220

interface Point {
  id: string
  name: string
  status: WorkflowDuration['status']
  finished: number
  seconds: number
}

interface Series {
  name: string
  color: string
  ok: Point[]
  notOk: Point[]
}

const colorVar = (c: string): string => `var(--mantine-color-${c}-6)`

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}

export function durationsSummary(durations: WorkflowDuration[]): string {
  if (durations.length === 0) return 'No finished runs yet.'
  const by = new Map<string, number[]>()
  for (const d of durations) by.set(d.name, [...(by.get(d.name) ?? []), d.durationMs])
  const parts = [...by.entries()].map(
    ([name, ms]) => `${workflowLabel(name)}: ${plural(ms.length, 'run', 'runs')}, median ${formatDuration(median(ms))}, longest ${formatDuration(Math.max(...ms))}`
  )
  return `Durations of ${plural(durations.length, 'finished run', 'finished runs')}. ${parts.join('. ')}.`
}

function ChartTooltip(props: { active?: boolean; payload?: ReadonlyArray<{ payload?: Point }> }): React.JSX.Element | null {
  const p = props.active ? props.payload?.[0]?.payload : undefined
  if (!p) return null
  return (
    <Paper withBorder shadow="sm" p="xs" radius="md" style={{ fontSize: 12 }}>
      <Text size="xs" fw={600}>
        {workflowLabel(p.name)}
      </Text>
      <Text size="xs">
        {formatDuration(p.seconds * 1000)} · {STATUS_LOOK[p.status].label}
      </Text>
      <Text size="xs" c="dimmed">
        Finished {formatWhen(new Date(p.finished).toISOString())}
      </Text>
    </Paper>
  )
}

export function DurationsChart(): React.JSX.Element {
  const durations = useWorkflowsStore((s) => s.durations)
  const error = useWorkflowsStore((s) => s.durationsError)
  const open = useWorkflowsStore((s) => s.open)

  const series = useMemo<Series[]>(() => {
    const by = new Map<string, Series>()
    for (const d of durations ?? []) {
      const s = by.get(d.name) ?? { name: d.name, color: colorVar(workflowColor(d.name)), ok: [], notOk: [] }
      const p: Point = { id: d.id, name: d.name, status: d.status, finished: new Date(d.finishedAt).getTime(), seconds: d.durationMs / 1000 }
      ;(d.status === 'succeeded' ? s.ok : s.notOk).push(p)
      by.set(d.name, s)
    }
    return [...by.values()].sort((a, b) => a.name.localeCompare(b.name))
  }, [durations])

  const axis = useMemo(() => {
    const xs = (durations ?? []).map((d) => new Date(d.finishedAt).getTime())
    const min = xs.length ? Math.min(...xs) : 0
    const max = xs.length ? Math.max(...xs) : 0
    // A lone run (or a burst within a second) gets a minute of room either side.
    const [lo, hi] = max - min < 1000 ? [min - 60_000, max + 60_000] : [min, max]
    return { domain: [lo, hi] as [number, number], ...timeTicks(lo, hi) }
  }, [durations])
  const yTicks = useMemo(() => durationTicks(Math.max(0, ...(durations ?? []).map((d) => d.durationMs / 1000))), [durations])
  const onPoint = (item: unknown): void => {
    const id = (item as { payload?: Point } | undefined)?.payload?.id
    if (id) void open(id)
  }
  const summary = durations ? durationsSummary(durations) : 'Loading run durations.'

  return (
    <Paper withBorder radius="lg" p="md" component="section" aria-labelledby="workflow-durations-title">
      <Stack gap="xs">
        <Group justify="space-between" align="baseline">
          <Title order={2} size="h5" id="workflow-durations-title">
            Run durations
          </Title>
          {durations && durations.length > 0 && (
            <Text size="xs" c="dimmed">
              {plural(durations.length, 'finished run', 'finished runs')} · × failed or cancelled
            </Text>
          )}
        </Group>
        {error && (
          <Text size="sm" c="red" role="alert">
            Could not load durations: {error.message}
          </Text>
        )}
        {durations && durations.length === 0 && (
          <Text size="sm" c="dimmed">
            No finished runs yet — each run appears here once it ends, by how long it took.
          </Text>
        )}
        {durations && durations.length > 0 && (
          <figure style={{ margin: 0 }} data-testid="durations-chart">
            <div role="img" aria-label={summary} style={{ height: HEIGHT, width: '100%' }}>
              <ResponsiveContainer width="100%" height={HEIGHT}>
                <ScatterChart margin={{ top: 8, right: 16, bottom: 4, left: 4 }} accessibilityLayer={false}>
                  <CartesianGrid stroke="var(--mantine-color-default-border)" strokeDasharray="3 3" />
                  <XAxis
                    type="number"
                    dataKey="finished"
                    name="Finished"
                    domain={axis.domain}
                    ticks={axis.ticks}
                    tickFormatter={axis.format}
                    tick={{ fontSize: 11, fill: 'var(--mantine-color-dimmed)' }}
                    stroke="var(--mantine-color-default-border)"
                    padding={{ left: 24, right: 24 }}
                  />
                  <YAxis
                    type="number"
                    dataKey="seconds"
                    name="Duration"
                    // Round ticks, with headroom above the longest run so its point is not drawn on the frame.
                    domain={[0, yTicks[yTicks.length - 1] ?? 1]}
                    ticks={yTicks}
                    tickFormatter={formatTickSeconds}
                    tick={{ fontSize: 11, fill: 'var(--mantine-color-dimmed)' }}
                    stroke="var(--mantine-color-default-border)"
                    width={64}
                  />
                  <ZAxis range={[48, 48]} />
                  <Tooltip content={<ChartTooltip />} cursor={{ strokeDasharray: '3 3' }} isAnimationActive={false} />
                  {series.flatMap((s) => [
                    <Scatter
                      key={`${s.name}-ok`}
                      name={workflowLabel(s.name)}
                      data={s.ok}
                      fill={s.color}
                      isAnimationActive={false}
                      cursor="pointer"
                      onClick={onPoint}
                    />,
                    <Scatter
                      key={`${s.name}-not-ok`}
                      name={`${workflowLabel(s.name)} (failed or cancelled)`}
                      data={s.notOk}
                      fill={s.color}
                      shape="cross"
                      legendType="none"
                      isAnimationActive={false}
                      cursor="pointer"
                      onClick={onPoint}
                    />
                  ])}
                </ScatterChart>
              </ResponsiveContainer>
            </div>
            <Group component="figcaption" gap="md" mt={6} aria-hidden="true">
              {series.map((s) => (
                <Group key={s.name} gap={6}>
                  <span style={{ width: 10, height: 10, borderRadius: '50%', background: s.color, display: 'inline-block' }} />
                  <Text size="xs">
                    {workflowLabel(s.name)} ({s.ok.length + s.notOk.length})
                  </Text>
                </Group>
              ))}
            </Group>
          </figure>
        )}
      </Stack>
    </Paper>
  )
}
