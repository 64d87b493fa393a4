/** A small bar chart of memories captured per day (recharts), summarised in words for screen readers. */
import { Text } from '@mantine/core'
import { useMemo } from 'react'
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis } from 'recharts'
import { formatCount, formatDate } from '../format'
import { TIMELINE_DAYS, useMemoriesStore } from '../store'
import { fillDays, timelineSummary } from '../timeline'

const HEIGHT = 64

export function TimelineChart(): React.JSX.Element {
  const points = useMemoriesStore((s) => s.timeline)
  const data = useMemo(() => fillDays(points ?? [], TIMELINE_DAYS), [points])
  const summary = timelineSummary(data, TIMELINE_DAYS)
  const total = data.reduce((n, p) => n + p.count, 0)
  return (
    <figure style={{ margin: 0, flex: 1, minWidth: 0 }}>
      <div role="img" aria-label={summary} style={{ height: HEIGHT, width: '100%' }}>
        {points && (
          <ResponsiveContainer width="100%" height={HEIGHT}>
            <BarChart data={data} margin={{ top: 4, right: 0, bottom: 0, left: 0 }} barCategoryGap={1} accessibilityLayer={false}>
              <XAxis dataKey="day" hide />
              <Tooltip
                cursor={{ fill: 'var(--mantine-color-default-hover)' }}
                formatter={(v) => [formatCount(Number(v)), 'memories']}
                labelFormatter={(d) => formatDate(`${String(d)}T12:00:00Z`)}
                contentStyle={{
                  background: 'var(--mantine-color-body)',
                  border: '1px solid var(--mantine-color-default-border)',
                  borderRadius: 8,
                  fontSize: 12
                }}
              />
              <Bar dataKey="count" fill="var(--mantine-primary-color-filled)" radius={[2, 2, 0, 0]} minPointSize={0} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </div>
      <Text component="figcaption" size="xs" c="dimmed" mt={4} ta="right">
        {formatCount(total)} captured in the last {TIMELINE_DAYS} days
      </Text>
    </figure>
  )
}
