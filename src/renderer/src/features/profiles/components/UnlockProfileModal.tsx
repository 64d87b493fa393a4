/** Switching to a profile with a passphrase asks for it first. */
import { SecretInput } from '../../../components/SecretInput'
import { useState } from 'react'
import type { ProfileSummary } from '../../../../../shared/types'
import { useAction } from '../../../lib/useAction'
import { useProfilesStore } from '../store'
import { ProfileFormModal } from './ProfileFormModal'

export function UnlockProfileModal(props: { profile: ProfileSummary; onClose(): void }): React.JSX.Element {
  const switchTo = useProfilesStore((s) => s.switchTo)
  const [passphrase, setPassphrase] = useState('')
  const action = useAction((p: string) => switchTo(props.profile.id, p))

  async function submit(e: React.FormEvent): Promise<void> {
    e.preventDefault()
    if (await action.run(passphrase)) props.onClose()
  }

  return (
    <ProfileFormModal
      title={`Open “${props.profile.name}”`}
      onClose={props.onClose}
      onSubmit={submit}
      submitLabel="Unlock"
      busy={action.busy}
      disabled={!passphrase}
    >
      <SecretInput
        label="Passphrase"
        description={`${props.profile.name} has a passphrase. Enter it to open the profile.`}
        autoComplete="current-password"
        data-autofocus
        value={passphrase}
        onChange={(e) => {
          setPassphrase(e.currentTarget.value)
          action.reset()
        }}
        error={action.error?.message}
      />
    </ProfileFormModal>
  )
}
