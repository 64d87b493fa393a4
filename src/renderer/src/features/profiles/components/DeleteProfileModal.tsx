/** Delete a profile and all of its data, confirmed by typing the profile's name. */
import { Alert, Code, Text, TextInput } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'
import { useState } from 'react'
import type { ProfileSummary } from '../../../../../shared/types'
import { useAction } from '../../../lib/useAction'
import { notifySuccess } from '../../notifications/store'
import { useProfilesStore } from '../store'
import { ProfileFormModal } from './ProfileFormModal'

export function DeleteProfileModal(props: { profile: ProfileSummary; onClose(): void }): React.JSX.Element {
  const remove = useProfilesStore((s) => s.remove)
  const [typed, setTyped] = useState('')
  const action = useAction((confirm: string) => remove(props.profile.id, confirm))
  const matches = typed === props.profile.name

  async function submit(e: React.FormEvent): Promise<void> {
    e.preventDefault()
    if (!matches) return
    if (await action.run(typed)) {
      props.onClose()
      notifySuccess(`Deleted “${props.profile.name}”`)
    }
  }

  return (
    <ProfileFormModal
      title={`Delete “${props.profile.name}”?`}
      onClose={props.onClose}
      onSubmit={submit}
      submitLabel="Delete profile and all its data"
      submitColor="red"
      busy={action.busy}
      disabled={!matches}
    >
      <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />}>
        This permanently deletes the profile and all of its data: memories, chats, documents, archives and settings.
        It cannot be undone.
      </Alert>
      <TextInput
        label={
          <Text span size="sm" fw={500}>
            Type <Code>{props.profile.name}</Code> to confirm
          </Text>
        }
        aria-label={`Type ${props.profile.name} to confirm`}
        data-autofocus
        autoComplete="off"
        spellCheck={false}
        value={typed}
        onChange={(e) => {
          setTyped(e.currentTarget.value)
          action.reset()
        }}
        error={action.error?.message}
      />
    </ProfileFormModal>
  )
}
