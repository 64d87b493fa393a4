/** Rename a profile; a clash with another profile's name shows under the field. */
import { Alert, TextInput } from '@mantine/core'
import { useState } from 'react'
import type { ProfileSummary } from '../../../../../shared/types'
import { useAction } from '../../../lib/useAction'
import { notifySuccess } from '../../notifications/store'
import { useProfilesStore } from '../store'
import { ProfileFormModal } from './ProfileFormModal'

export function RenameProfileModal(props: { profile: ProfileSummary; onClose(): void }): React.JSX.Element {
  const rename = useProfilesStore((s) => s.rename)
  const [name, setName] = useState(props.profile.name)
  const action = useAction((n: string) => rename(props.profile.id, n))
  const fieldError = action.fields.name ?? (action.error?.code === 'conflict' || action.error?.code === 'validation' ? action.error.message : undefined)

  async function submit(e: React.FormEvent): Promise<void> {
    e.preventDefault()
    if (await action.run(name.trim())) {
      props.onClose()
      notifySuccess('Profile renamed')
    }
  }

  return (
    <ProfileFormModal
      title={`Rename “${props.profile.name}”`}
      onClose={props.onClose}
      onSubmit={submit}
      submitLabel="Rename"
      busy={action.busy}
      disabled={!name.trim() || name.trim() === props.profile.name}
    >
      <TextInput
        label="Profile name"
        required
        maxLength={64}
        data-autofocus
        value={name}
        onChange={(e) => {
          setName(e.currentTarget.value)
          action.reset()
        }}
        error={fieldError}
      />
      {action.error && !fieldError && (
        <Alert color="red" variant="light" role="alert">
          {action.error.message}
        </Alert>
      )}
    </ProfileFormModal>
  )
}
