/** Filters above the run list: status and workflow name, and how many runs match. */
import { Button, Group, SegmentedControl, Select, Text } from '@mantine/core'
import { RUN_STATUSES, type RunStatus } from '../../../../../shared/workflows'
import { formatCount, STATUS_LOOK, workflowLabel } from '../format'
import { isFiltered, NO_FILTERS, useWorkflowsStore } from '../store'
import { StartWorkflowMenu } from './StartWorkflowMenu'

const ALL = 'all'
const STATUS_OPTIONS = [{ value: ALL, label: 'All' }, ...RUN_STATUSES.map((s) => ({ value: s, label: STATUS_LOOK[s].label }))]

export function WorkflowsToolbar(): React.JSX.Element {
  const filters = useWorkflowsStore((s) => s.filters)
  const names = useWorkflowsStore((s) => s.names)
  const total = useWorkflowsStore((s) => s.total)
  const setFilters = useWorkflowsStore((s) => s.setFilters)
  const nameOptions = [...new Set([...names, ...(filters.name ? [filters.name] : [])])].map((n) => ({ value: n, label: workflowLabel(n) }))

  return (
    <Group gap="sm" justify="space-between" wrap="wrap">
      <Group gap="sm" wrap="wrap">
        <SegmentedControl
          aria-label="Status"
          size="xs"
          data={STATUS_OPTIONS}
          value={filters.status ?? ALL}
          onChange={(v) => setFilters({ status: v === ALL ? null : (v as RunStatus) })}
        />
        <Select
          aria-label="Workflow"
          size="xs"
          w={190}
          placeholder="All workflows"
          data={nameOptions}
          value={filters.name}
          clearable
          allowDeselect
          onChange={(v) => setFilters({ name: v })}
          comboboxProps={{ withinPortal: true }}
        />
        {isFiltered(filters) && (
          <Button size="compact-xs" variant="subtle" onClick={() => setFilters(NO_FILTERS)}>
            Clear filters
          </Button>
        )}
      </Group>
      <Group gap="sm">
        <Text size="sm" c="dimmed" aria-live="polite" data-testid="runs-summary">
          {total === null ? '' : total === 1 ? '1 run' : `${formatCount(total)} runs`}
        </Text>
        <StartWorkflowMenu />
      </Group>
    </Group>
  )
}
