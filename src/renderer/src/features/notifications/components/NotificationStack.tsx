/** The corner stack of notifications; errors are announced assertively, the rest politely. */
import { Button, Group, Notification, Stack, Text } from '@mantine/core'
import { IconAlertTriangle, IconCheck, IconInfoCircle } from '@tabler/icons-react'
import { useNotifications } from '../store'

const LOOK = {
  success: { color: 'teal', icon: <IconCheck size={18} /> },
  error: { color: 'red', icon: <IconAlertTriangle size={18} /> },
  info: { color: 'blue', icon: <IconInfoCircle size={18} /> }
} as const

export function NotificationStack(): React.JSX.Element {
  const notes = useNotifications((s) => s.notes)
  const dismiss = useNotifications((s) => s.dismiss)
  return (
    <Stack gap="sm" w={360} maw="calc(100vw - 32px)" style={{ position: 'fixed', right: 16, bottom: 16, zIndex: 1000 }}>
      {notes.map((n) => (
        <Notification
          key={n.id}
          role={n.kind === 'error' ? 'alert' : 'status'}
          color={LOOK[n.kind].color}
          icon={LOOK[n.kind].icon}
          title={n.title}
          withBorder
          onClose={() => dismiss(n.id)}
          closeButtonProps={{ 'aria-label': 'Dismiss notification' }}
        >
          {n.action ? (
            <Group justify="space-between" wrap="nowrap" gap="sm">
              <Text size="sm" c="dimmed">
                {n.message}
              </Text>
              <Button
                size="compact-sm"
                variant="light"
                onClick={() => {
                  dismiss(n.id)
                  n.action?.run()
                }}
              >
                {n.action.label}
              </Button>
            </Group>
          ) : (
            n.message
          )}
        </Notification>
      ))}
    </Stack>
  )
}
