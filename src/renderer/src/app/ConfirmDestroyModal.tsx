/**
 * The one confirmation asked before something is destroyed: what it is, what happens,
 * Cancel or the red button. For what cannot be undone, focus starts on Cancel (Enter backs
 * out); where Undo follows, on the red button. The button shows progress while the action
 * runs; the modal closes when it ends, unless the action answers `false` (it failed, and
 * said why itself), so the person can try again or cancel.
 */
import { Button, Group, Modal, Stack, Text } from '@mantine/core'
import { useState, type ReactNode } from 'react'

export interface ConfirmDestroyModalProps {
  opened: boolean
  title: string
  /** What is about to go: a name, the first lines of a text. */
  subject: ReactNode
  /** What happens, in plain words (can it be undone?). */
  consequence: ReactNode
  confirmLabel?: string
  cancelLabel?: string
  /** Which button has focus first: 'cancel' for what cannot be undone. */
  focus?: 'confirm' | 'cancel'
  onConfirm: () => Promise<boolean | void>
  onClose: () => void
}

export function ConfirmDestroyModal(props: ConfirmDestroyModalProps): React.JSX.Element {
  const { opened, title, subject, consequence, confirmLabel = 'Delete', cancelLabel = 'Cancel', focus = 'confirm', onConfirm, onClose } = props
  const [busy, setBusy] = useState(false)
  return (
    <Modal opened={opened} onClose={onClose} title={title} returnFocus={false} closeOnClickOutside={!busy} closeOnEscape={!busy}>
      <Stack gap="md">
        {subject}
        {typeof consequence === 'string' ? (
          <Text size="sm" c="dimmed">
            {consequence}
          </Text>
        ) : (
          consequence
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={busy} data-autofocus={focus === 'cancel' || undefined}>
            {cancelLabel}
          </Button>
          <Button
            color="red"
            data-autofocus={focus === 'confirm' || undefined}
            loading={busy}
            onClick={() => {
              setBusy(true)
              void onConfirm()
                .then(
                  (ok) => ok,
                  () => false
                )
                .then((ok) => {
                  setBusy(false)
                  if (ok !== false) onClose()
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
