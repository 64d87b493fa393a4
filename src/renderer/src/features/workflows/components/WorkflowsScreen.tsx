/**
 * Workflows: background work such as imports and maintenance. The runs, newest first, with
 * live progress (filter by status and workflow); the open run's steps and log beside them,
 * with Cancel and Retry; how long runs took; and what runs on a timetable. With no run yet
 * it stays an honest empty state, with the schedules (when there are any) under it.
 */
import { Button, Center, Group, Loader, Paper, Stack, Text } from '@mantine/core'
import { IconRoute } from '@tabler/icons-react'
import { useCallback } from 'react'
import { SectionEmptyState } from '../../../app/SectionEmptyState'
import { SectionPage } from '../../../app/SectionPage'
import { isFiltered, NO_FILTERS, useWorkflowsStore } from '../store'
import { useWorkflowsEvents } from '../useWorkflowsEvents'
import '../workflows.css'
import { DurationsChart } from './DurationsChart'
import { RunDetailPanel } from './RunDetailPanel'
import { RunList } from './RunList'
import { SchedulesCard } from './SchedulesCard'
import { StartWorkflowMenu } from './StartWorkflowMenu'
import { WorkflowsToolbar } from './WorkflowsToolbar'
import { RetryAlert } from '../../../components/RetryAlert'

function RunsPane(): React.JSX.Element {
  const items = useWorkflowsStore((s) => s.items)
  const total = useWorkflowsStore((s) => s.total)
  const nextCursor = useWorkflowsStore((s) => s.nextCursor)
  const listLoading = useWorkflowsStore((s) => s.listLoading)
  const listError = useWorkflowsStore((s) => s.listError)
  const selectedId = useWorkflowsStore((s) => s.selectedId)
  const openId = useWorkflowsStore((s) => s.openId)
  const loadMore = useCallback(() => void useWorkflowsStore.getState().loadMore(), [])
  const onSelect = useCallback((id: string) => useWorkflowsStore.getState().select(id), [])
  const onOpen = useCallback((id: string) => void useWorkflowsStore.getState().open(id), [])
  const onClose = useCallback(() => useWorkflowsStore.getState().close(), [])

  let body: React.ReactNode
  if (listError && items.length === 0)
    body = (
      <Center mih={200} p="xl">
        <RetryAlert title="Could not load runs" message={listError.message} onRetry={() => void useWorkflowsStore.getState().loadFirst()} />
      </Center>
    )
  else if (total === null)
    body = (
      <Center mih={200}>
        <Loader aria-label="Loading runs" />
      </Center>
    )
  else if (items.length === 0)
    body = (
      <Center mih={200} p="xl">
        <Stack align="center" gap="xs">
          <Text fw={500}>No runs match these filters.</Text>
          <Button variant="light" size="xs" onClick={() => useWorkflowsStore.getState().setFilters(NO_FILTERS)}>
            Clear filters
          </Button>
        </Stack>
      </Center>
    )
  else
    body = (
      <RunList
        runs={items}
        total={total}
        hasMore={nextCursor !== null}
        loading={listLoading}
        selectedId={selectedId}
        openId={openId}
        onEndReached={loadMore}
        onSelect={onSelect}
        onOpen={onOpen}
        onClose={onClose}
      />
    )

  return (
    <Paper withBorder radius="lg" style={{ overflow: 'hidden' }}>
      {body}
    </Paper>
  )
}

export function WorkflowsScreen(): React.JSX.Element {
  useWorkflowsEvents()
  const view = useWorkflowsStore((s) => {
    if ((s.total === null || s.schedules === null) && !s.listError && !s.schedulesError) return 'loading'
    return s.total === 0 && !isFiltered(s.filters) && !s.listError ? 'empty' : 'runs'
  })
  const open = useWorkflowsStore((s) => s.openId !== null)
  const hasSchedules = useWorkflowsStore((s) => (s.schedules?.length ?? 0) > 0)

  return (
    <SectionPage title="Workflows" description="Background work — imports, maintenance, consolidation, digests — with its progress, steps and log.">
      {view === 'loading' && (
        <Center py="xl">
          <Loader aria-label="Loading workflows" />
        </Center>
      )}
      {view === 'empty' && (
        <Stack gap="md">
          <SectionEmptyState
            icon={IconRoute}
            title="No background work yet"
            description={
              <>
                <span>Long-running jobs, such as imports, show their progress here.</span>{' '}
                <span>Document and chat imports, and nightly maintenance, appear here as they run.</span>
              </>
            }
          />
          <Group justify="center">
            <StartWorkflowMenu />
          </Group>
          {hasSchedules && <SchedulesCard />}
        </Stack>
      )}
      {view === 'runs' && (
        <Stack gap="md">
          <WorkflowsToolbar />
          <div className="engram-runs-body" data-open={open}>
            <RunsPane />
            {open && <RunDetailPanel />}
          </div>
          <DurationsChart />
          <SchedulesCard />
        </Stack>
      )}
    </SectionPage>
  )
}
