/**
 * Settings → Model usage: tokens (input + output) per day for the last 30 days, one
 * stacked bar colour per model (recharts), and a table of the latest calls with what
 * each was for, its tokens and time, and the error when it failed. Screen readers get the
 * chart as a sentence.
 */
import { ActionIcon, Badge, Checkbox, Group, Stack, Table, Text, Tooltip } from '@mantine/core'
import { IconRefresh } from '@tabler/icons-react'
import { useEffect, useMemo, useState } from 'react'
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip as ChartTooltip, XAxis, YAxis } from 'recharts'
import type { TraceRow } from '../../../../../shared/chat'
import { formatMs, formatWhen } from '../../chat/format'
import { SettingsCard } from '../../settings/components/SettingsCard'
import { compactTokens, dayLabel, seriesColor, usageRows } from '../format'
import { USAGE_DAYS, useUsageStore } from '../store'

const HEIGHT = 200

const KIND_LABEL: Record<string, string> = {
  answer: 'Answer',
  rewrite: 'Rewrite',
  title: 'Title',
  extract: 'Extract',
  digest: 'Digest',
  test: 'Test'
}

function UsageChart(): React.JSX.Element {
  const usage = useUsageStore((s) => s.usage)
  const { rows, models } = useMemo(() => usageRows(usage ?? [], USAGE_DAYS), [usage])
  const totals = useMemo(() => {
    const t = new Map<string, number>()
    for (const p of usage ?? []) t.set(p.model, (t.get(p.model) ?? 0) + p.inputTokens + p.outputTokens)
    return t
  }, [usage])
  if (!usage) return <Text size="sm" c="dimmed">Loading usage…</Text>
  if (usage.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No model calls in the last {USAGE_DAYS} days. Tokens per day and model appear here once chat uses a model.
      </Text>
    )
  const summary = `Tokens per day over the last ${USAGE_DAYS} days. ${[...totals.entries()].map(([m, n]) => `${m}: ${n.toLocaleString()} tokens`).join('. ')}.`
  return (
    <figure style={{ margin: 0 }} data-testid="usage-chart">
      <div role="img" aria-label={summary} style={{ height: HEIGHT, width: '100%' }}>
        <ResponsiveContainer width="100%" height={HEIGHT}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 4, left: 4 }} accessibilityLayer={false}>
            <CartesianGrid stroke="var(--mantine-color-default-border)" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="day"
              tickFormatter={dayLabel}
              tick={{ fontSize: 11, fill: 'var(--mantine-color-dimmed)' }}
              stroke="var(--mantine-color-default-border)"
              interval="preserveStartEnd"
              minTickGap={24}
            />
            <YAxis tickFormatter={compactTokens} tick={{ fontSize: 11, fill: 'var(--mantine-color-dimmed)' }} stroke="var(--mantine-color-default-border)" width={48} allowDecimals={false} />
            <ChartTooltip
              isAnimationActive={false}
              labelFormatter={(d) => dayLabel(String(d))}
              formatter={(v, name) => [`${Number(v).toLocaleString()} tokens`, String(name)]}
              contentStyle={{ background: 'var(--mantine-color-body)', border: '1px solid var(--mantine-color-default-border)', borderRadius: 8, fontSize: 12 }}
              cursor={{ fill: 'var(--mantine-color-default-hover)' }}
            />
            {models.map((m, i) => (
              <Bar key={m} dataKey={m} name={m} stackId="tokens" fill={seriesColor(i)} isAnimationActive={false} maxBarSize={24} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <Group component="figcaption" gap="md" mt={6} aria-hidden="true">
        {models.map((m, i) => (
          <Group key={m} gap={6}>
            <span style={{ width: 10, height: 10, borderRadius: 2, background: seriesColor(i), display: 'inline-block' }} />
            <Text size="xs">
              {m} ({compactTokens(totals.get(m) ?? 0)} tokens)
            </Text>
          </Group>
        ))}
      </Group>
    </figure>
  )
}

function TraceStatus(props: { trace: TraceRow }): React.JSX.Element {
  const t = props.trace
  if (t.status === 'ok') return <Badge size="xs" variant="light" color="teal">ok</Badge>
  return (
    <Stack gap={2}>
      <Badge size="xs" variant="light" color={t.status === 'error' ? 'red' : 'gray'}>
        {t.status === 'error' ? 'error' : 'stopped'}
      </Badge>
      {t.error && (
        <Text size="xs" c={t.status === 'error' ? 'red' : 'dimmed'} lineClamp={3}>
          {t.error}
        </Text>
      )}
    </Stack>
  )
}

function TracesTable(): React.JSX.Element | null {
  const traces = useUsageStore((s) => s.traces)
  const [errorsOnly, setErrorsOnly] = useState(false)
  if (!traces || traces.length === 0) return null
  const shown = (errorsOnly ? traces.filter((t) => t.status !== 'ok') : traces).slice(0, 20)
  const failures = traces.filter((t) => t.status === 'error').length
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          Recent calls
        </Text>
        <Checkbox size="xs" label={`Only problems (${failures} error${failures === 1 ? '' : 's'})`} checked={errorsOnly} onChange={(e) => setErrorsOnly(e.currentTarget.checked)} />
      </Group>
      <Table.ScrollContainer minWidth={560}>
        <Table striped highlightOnHover verticalSpacing={4} fz="xs" aria-label="Recent model calls">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>For</Table.Th>
              <Table.Th>Model</Table.Th>
              <Table.Th ta="right">Tokens in → out</Table.Th>
              <Table.Th ta="right">Time</Table.Th>
              <Table.Th>Result</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatWhen(t.createdAt)}</Table.Td>
                <Table.Td>{KIND_LABEL[t.kind] ?? t.kind}</Table.Td>
                <Table.Td>{t.model ?? '—'}</Table.Td>
                <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {t.inputTokens === null && t.outputTokens === null ? '—' : `${(t.inputTokens ?? 0).toLocaleString()} → ${(t.outputTokens ?? 0).toLocaleString()}`}
                </Table.Td>
                <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {t.durationMs === null ? '—' : formatMs(t.durationMs)}
                </Table.Td>
                <Table.Td>
                  <TraceStatus trace={t} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {shown.length === 0 && (
        <Text size="xs" c="dimmed">
          No failed or stopped calls among the latest {traces.length}.
        </Text>
      )}
    </Stack>
  )
}

export function UsageSettings(): React.JSX.Element {
  const error = useUsageStore((s) => s.error)
  const loading = useUsageStore((s) => s.loading)
  const load = useUsageStore((s) => s.load)
  useEffect(() => {
    void load()
  }, [load])
  return (
    <SettingsCard title="Model usage" description={`Tokens sent to and received from chat models, per day, over the last ${USAGE_DAYS} days.`}>
      <Stack gap="md">
        <Group justify="flex-end" mt={-48}>
          <Tooltip label="Refresh usage">
            <ActionIcon variant="subtle" color="gray" aria-label="Refresh usage" onClick={() => void load()} loading={loading}>
              <IconRefresh size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
        {error && (
          <Text size="sm" c="red" role="alert">
            Could not load usage: {error.message}
          </Text>
        )}
        <UsageChart />
        <TracesTable />
      </Stack>
    </SettingsCard>
  )
}
