/**
 * Recurring work (`workflows:schedules`): each schedule's workflow, timetable, when it is
 * next due, and its last run (which opens in the panel).
 */
import { Anchor, Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core'
import { formatFull, formatRelative, formatTimetable, formatWhen, humanize, workflowColor, workflowLabel } from '../format'
import { useWorkflowsStore } from '../store'
import { useNow } from '../useNow'

export function SchedulesCard(): React.JSX.Element {
  const schedules = useWorkflowsStore((s) => s.schedules)
  const error = useWorkflowsStore((s) => s.schedulesError)
  const open = useWorkflowsStore((s) => s.open)
  const now = useNow(Boolean(schedules?.length), 30_000)

  return (
    <Paper withBorder radius="lg" p="md" component="section" aria-labelledby="workflow-schedules-title">
      <Stack gap="xs">
        <Title order={2} size="h5" id="workflow-schedules-title">
          Schedules
        </Title>
        {error && (
          <Text size="sm" c="red" role="alert">
            Could not load schedules: {error.message}
          </Text>
        )}
        {schedules && schedules.length === 0 && (
          <Text size="sm" c="dimmed">
            Nothing runs on a timetable yet. Nightly maintenance shows here once it is set up.
          </Text>
        )}
        {schedules && schedules.length > 0 && (
          <Table.ScrollContainer minWidth={520}>
            <Table verticalSpacing="xs" aria-labelledby="workflow-schedules-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Workflow</Table.Th>
                  <Table.Th>Timetable</Table.Th>
                  <Table.Th>Next due</Table.Th>
                  <Table.Th>Last run</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {schedules.map((s) => (
                  <Table.Tr key={s.key}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Badge size="sm" variant="dot" color={workflowColor(s.name)} tt="none">
                          {workflowLabel(s.name)}
                        </Badge>
                        {s.key !== s.name && (
                          <Text size="xs" c="dimmed">
                            {humanize(s.key)}
                          </Text>
                        )}
                        {!s.enabled && (
                          <Badge size="xs" variant="outline" color="gray">
                            Paused
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatTimetable(s.spec)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" title={formatFull(s.nextDueAt)}>
                        {s.enabled ? `${formatWhen(s.nextDueAt)} (${formatRelative(s.nextDueAt, now)})` : '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {s.lastRunId ? (
                        <Anchor component="button" type="button" size="sm" onClick={() => void open(s.lastRunId as string)}>
                          {s.lastDueAt ? formatWhen(s.lastDueAt) : 'Open run'}
                        </Anchor>
                      ) : (
                        <Text size="sm" c="dimmed">
                          Not run yet
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  )
}
