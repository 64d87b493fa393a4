/** Set, change or remove a profile's passphrase (profiles:setPassphrase). */
import { Alert, Text } from '@mantine/core'
import { SecretInput } from '../../../components/SecretInput'
import { useState } from 'react'
import type { ProfileSummary } from '../../../../../shared/types'
import { useAction } from '../../../lib/useAction'
import { notifySuccess } from '../../notifications/store'
import { checkPassphrase, type PassphraseDraft } from '../passphrase'
import { useProfilesStore } from '../store'
import { ProfileFormModal } from './ProfileFormModal'
import { PassphraseFields } from './PassphraseFields'

const TITLES = { set: 'Set a passphrase', change: 'Change passphrase', remove: 'Remove passphrase' } as const
const DONE = { set: 'Passphrase set', change: 'Passphrase changed', remove: 'Passphrase removed' } as const

export function PassphraseModal(props: { profile: ProfileSummary; mode: 'set' | 'change' | 'remove'; onClose(): void }): React.JSX.Element {
  const { profile, mode } = props
  const setPassphrase = useProfilesStore((s) => s.setPassphrase)
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState<PassphraseDraft>({ passphrase: '', confirm: '' })
  const [checked, setChecked] = useState(false)
  const action = useAction((cur: string | undefined, nxt: string | null) => setPassphrase(profile.id, cur, nxt))
  const needsCurrent = mode !== 'set'
  const needsNext = mode !== 'remove'
  const nextErrors = checked && needsNext ? checkPassphrase(next, true) : {}
  const currentError = action.error?.code === 'unauthorized' ? action.error.message : checked && needsCurrent && !current ? 'Enter the current passphrase.' : undefined
  const otherError = action.error && action.error.code !== 'unauthorized' ? action.error.message : null

  async function submit(e: React.FormEvent): Promise<void> {
    e.preventDefault()
    setChecked(true)
    if (needsCurrent && !current) return
    if (needsNext && Object.keys(checkPassphrase(next, true)).length > 0) return
    if (await action.run(needsCurrent ? current : undefined, needsNext ? next.passphrase : null)) {
      props.onClose()
      notifySuccess(DONE[mode])
    }
  }

  return (
    <ProfileFormModal
      title={`${TITLES[mode]} for “${profile.name}”`}
      onClose={props.onClose}
      onSubmit={submit}
      submitLabel={TITLES[mode]}
      submitColor={mode === 'remove' ? 'red' : undefined}
      busy={action.busy}
    >
      <Text size="sm" c="dimmed">
        {mode === 'remove'
          ? 'Without a passphrase, anyone using this computer account can open the profile, and it can no longer be locked.'
          : 'Engram asks for the passphrase before it opens this profile. It does not encrypt the files on disk, and it cannot be recovered if you forget it.'}
      </Text>
      {needsCurrent && (
        <SecretInput
          label="Current passphrase"
          autoComplete="current-password"
          data-autofocus
          value={current}
          onChange={(e) => {
            setCurrent(e.currentTarget.value)
            action.reset()
          }}
          error={currentError}
        />
      )}
      {needsNext && (
        <PassphraseFields
          value={next}
          onChange={(v) => {
            setNext(v)
            action.reset()
          }}
          errors={{ passphrase: nextErrors.passphrase ?? action.fields.next, confirm: nextErrors.confirm }}
          label={mode === 'change' ? 'New passphrase' : 'Passphrase'}
          autoFocus={!needsCurrent}
        />
      )}
      {otherError && !action.fields.next && (
        <Alert color="red" variant="light" role="alert">
          {otherError}
        </Alert>
      )}
    </ProfileFormModal>
  )
}
