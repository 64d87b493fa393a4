/**
 * The one confirmation asked before something is destroyed: what it is, what happens,
 * Cancel or the red button (focused, so Enter confirms and Esc backs out). The button
 * shows progress while the action runs and the modal closes when it ends either way
 * (errors are reported by the action itself).
 */
import { Button, Group, Modal, Stack, Text } from '@mantine/core'
import { useState, type ReactNode } from 'react'

export interface ConfirmDestroyModalProps {
  opened: boolean
  title: string
  /** What is about to go: a name, the first lines of a text. */
  subject: ReactNode
  /** What happens, in plain words (can it be undone?). */
  consequence: string
  confirmLabel?: string
  onConfirm: () => Promise<unknown>
  onClose: () => void
}

export function ConfirmDestroyModal({ opened, title, subject, consequence, confirmLabel = 'Delete', onConfirm, onClose }: ConfirmDestroyModalProps): React.JSX.Element {
  const [busy, setBusy] = useState(false)
  return (
    <Modal opened={opened} onClose={onClose} title={title} returnFocus={false}>
      <Stack gap="md">
        {subject}
        <Text size="sm" c="dimmed">
          {consequence}
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button
            color="red"
            data-autofocus
            loading={busy}
            onClick={() => {
              setBusy(true)
              void onConfirm().finally(() => {
                setBusy(false)
                onClose()
              })
            }}
          >
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
