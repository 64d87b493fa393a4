/** The frame the profile dialogs share: a modal holding one form, its fields, then Cancel and the submit button. */
import { Button, Group, Modal, Stack, type MantineColor } from '@mantine/core'

export function ProfileFormModal(props: {
  title: string
  onClose(): void
  onSubmit(e: React.FormEvent): Promise<void>
  /** The submit button's words. */
  submitLabel: string
  submitColor?: MantineColor | undefined
  busy: boolean
  disabled?: boolean
  children: React.ReactNode
}): React.JSX.Element {
  return (
    <Modal opened onClose={props.onClose} title={props.title}>
      <form onSubmit={props.onSubmit} noValidate>
        <Stack gap="md">
          {props.children}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" color={props.submitColor} loading={props.busy} disabled={props.disabled}>
              {props.submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
