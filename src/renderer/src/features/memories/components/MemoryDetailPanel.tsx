/**
 * The open memory beside the list (`memories:get`, which counts as a use): its text and
 * editor, pin, importance, topics, type, archive and delete, where it came from, its
 * near-duplicates and its earlier versions.
 */
import { Alert, Badge, Center, CloseButton, Divider, Group, Loader, Paper, Stack, Title } from '@mantine/core'
import { IconPinFilled } from '@tabler/icons-react'
import { useMemoriesStore } from '../store'
import { DuplicateCandidates } from './DuplicateCandidates'
import { MemoryActions } from './MemoryActions'
import { MemoryAttributes } from './MemoryAttributes'
import { MemoryContentEditor } from './MemoryContentEditor'
import { MemoryFacts } from './MemoryFacts'
import { MemoryHistory } from './MemoryHistory'
import { TierBadge } from './TierBadge'

export function MemoryDetailPanel(): React.JSX.Element {
  const detail = useMemoriesStore((s) => s.detail)
  const loading = useMemoriesStore((s) => s.detailLoading)
  const error = useMemoriesStore((s) => s.detailError)
  const editing = useMemoriesStore((s) => s.editing)
  const close = useMemoriesStore((s) => s.close)
  const memory = detail?.memory

  return (
    <Paper
      component="aside"
      aria-label="Memory details"
      withBorder
      radius="lg"
      p="md"
      className="engram-memories-pane"
      style={{ overflowY: 'auto' }}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented && !editing) close()
      }}
    >
      <Stack gap="md">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs">
            <Title order={2} size="h5">
              Memory
            </Title>
            {memory && (
              <Badge size="sm" variant="default" tt="none">
                {memory.type}
              </Badge>
            )}
            {memory && <TierBadge tier={memory.tier} size="sm" />}
            {memory?.status === 'archived' && (
              <Badge size="sm" variant="outline" color="gray">
                archived
              </Badge>
            )}
            {memory?.pinned && <IconPinFilled size={16} aria-label="Pinned" color="var(--mantine-primary-color-filled)" />}
          </Group>
          <CloseButton aria-label="Close details" onClick={close} />
        </Group>
        {!detail && loading && (
          <Center py="xl">
            <Loader aria-label="Loading the memory" />
          </Center>
        )}
        {error && (
          <Alert color="red" variant="light" role="alert" title="Could not load this memory">
            {error.message}
          </Alert>
        )}
        {detail && memory && (
          <>
            <MemoryContentEditor key={memory.id} memory={memory} editing={editing} />
            <Divider />
            <MemoryAttributes key={`attrs-${memory.id}`} memory={memory} />
            <MemoryActions memory={memory} />
            <Divider />
            <MemoryFacts detail={detail} />
            {detail.duplicates.length > 0 && <DuplicateCandidates memory={memory} duplicates={detail.duplicates} />}
            {detail.history.length > 0 && <MemoryHistory history={detail.history} />}
          </>
        )}
      </Stack>
    </Paper>
  )
}
