/**
 * The placeholder a virtual list shows in the slot past its last loaded row while the next
 * page is on its way (Memories, Documents and Workflows share it).
 */
import { Center, Group, Loader, Text } from '@mantine/core'
import type { VirtualItem } from '@tanstack/react-virtual'

export function LoadingMoreRow(props: { item: VirtualItem; role?: string }): React.JSX.Element {
  const { item } = props
  return (
    <Center role={props.role} style={{ position: 'absolute', top: 0, left: 0, width: '100%', height: item.size, transform: `translateY(${item.start}px)` }}>
      <Group gap="xs">
        <Loader size="xs" />
        <Text size="sm" c="dimmed">
          Loading more…
        </Text>
      </Group>
    </Center>
  )
}
