/**
 * The summary of the latest drop: "Importing 12 files: 9 done, 1 failed", overall progress,
 * and the files that never became documents (too big for the browser, unreadable) with why.
 */
import { Alert, CloseButton, Group, List, Progress, Stack, Text } from '@mantine/core'
import { IconFileImport } from '@tabler/icons-react'
import { useMemo } from 'react'
import { dropHeadline, summarizeDrop } from '../drop'
import { errorText } from '../format'
import { useDocumentsStore } from '../store'

const SHOW_REFUSED = 5

export function ImportBanner(): React.JSX.Element | null {
  const drop = useDocumentsStore((s) => s.drop)
  const runs = useDocumentsStore((s) => s.runs)
  const items = useDocumentsStore((s) => s.items)
  const summary = useMemo(() => (drop ? summarizeDrop(drop, runs, new Map(items.map((d) => [d.id, d]))) : null), [drop, runs, items])
  if (!drop || drop.dismissed || !summary) return null
  const headline = dropHeadline(summary, drop.preparing)
  const pct = Math.round(summary.progress * 100)
  const color = summary.finished ? (summary.failed > 0 ? 'orange' : 'teal') : 'blue'

  return (
    <Alert variant="light" color={color} radius="lg" icon={<IconFileImport size={20} />} aria-label="Import summary" data-testid="import-summary">
      <Stack gap={8}>
        <Group justify="space-between" wrap="nowrap" gap="sm">
          <Text size="sm" fw={600} role="status" aria-live="polite">
            {headline}
          </Text>
          {summary.finished && <CloseButton size="sm" aria-label="Dismiss the import summary" onClick={() => useDocumentsStore.getState().dismissDrop()} />}
        </Group>
        {!summary.finished && (
          <Progress value={pct} size="sm" radius="xl" color={color} aria-label="Overall import progress" aria-valuetext={`${pct}%`} />
        )}
        {summary.refused.length > 0 && (
          <List size="xs" spacing={2} c="dimmed">
            {summary.refused.slice(0, SHOW_REFUSED).map((r, i) => (
              <List.Item key={i}>
                <Text span size="xs" c="red">
                  {r.error.includes(r.name) ? errorText(r.error) : `${r.name}: ${errorText(r.error)}`}
                </Text>
              </List.Item>
            ))}
            {summary.refused.length > SHOW_REFUSED && <List.Item>…and {summary.refused.length - SHOW_REFUSED} more</List.Item>}
          </List>
        )}
      </Stack>
    </Alert>
  )
}
