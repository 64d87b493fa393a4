/** "New profile": creating a profile also switches to it. */
import { Modal, Text } from '@mantine/core'
import { notifySuccess } from '../../notifications/store'
import { CreateProfileForm } from './CreateProfileForm'

export function CreateProfileModal(props: { onClose(): void }): React.JSX.Element {
  return (
    <Modal opened onClose={props.onClose} title="New profile">
      <Text c="dimmed" size="sm" mb="lg">
        Each profile keeps its own memories, documents and settings. Engram switches to the new profile.
      </Text>
      <CreateProfileForm
        submitLabel="Create profile"
        onCancel={props.onClose}
        onCreated={(name) => {
          props.onClose()
          notifySuccess(`Created “${name}”`)
        }}
      />
    </Modal>
  )
}
