/** A thin bar at the top while the browser bridge's socket is down and reconnecting. */
import { Group, Loader, Text } from '@mantine/core'
import { useConnectionStore } from '../lib/connection-store'

export function ReconnectingBanner(): React.JSX.Element | null {
  const status = useConnectionStore((s) => s.status)
  if (status !== 'reconnecting') return null
  return (
    <Group
      role="status"
      aria-live="polite"
      justify="center"
      gap="xs"
      py={6}
      bg="yellow.1"
      c="yellow.9"
      style={{ position: 'fixed', top: 0, left: 0, right: 0, zIndex: 1000 }}
    >
      <Loader size={14} color="yellow.9" />
      <Text size="sm" fw={500}>
        Reconnecting to Engram…
      </Text>
    </Group>
  )
}
