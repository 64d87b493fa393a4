/** Name and optional passphrase for a new profile; used by the welcome screen and the "New profile" dialog. */
import { Alert, Button, Group, Stack, TextInput } from '@mantine/core'
import { useState } from 'react'
import { useAction } from '../../../lib/useAction'
import { checkPassphrase, type PassphraseDraft } from '../passphrase'
import { useProfilesStore } from '../store'
import { PassphraseFields } from './PassphraseFields'

export function CreateProfileForm(props: {
  submitLabel: string
  onCreated?: (name: string) => void
  onCancel?: () => void
  autoFocus?: boolean
}): React.JSX.Element {
  const create = useProfilesStore((s) => s.create)
  const [name, setName] = useState('')
  const [pass, setPass] = useState<PassphraseDraft>({ passphrase: '', confirm: '' })
  const [checked, setChecked] = useState(false)
  const action = useAction((n: string, p: string | undefined) => create(n, p))

  const nameError = checked && !name.trim() ? 'A profile needs a name.' : undefined
  const passErrors = checked ? checkPassphrase(pass, false) : {}
  const serverNameError = action.fields.name ?? (action.error?.code === 'conflict' ? action.error.message : undefined)
  const otherError = action.error && !action.fields.name && !action.fields.passphrase && action.error.code !== 'conflict' ? action.error.message : null

  async function submit(e: React.FormEvent): Promise<void> {
    e.preventDefault()
    setChecked(true)
    if (!name.trim() || Object.keys(checkPassphrase(pass, false)).length > 0) return
    if (await action.run(name.trim(), pass.passphrase || undefined)) props.onCreated?.(name.trim())
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Profile name"
          placeholder="Personal"
          required
          maxLength={64}
          data-autofocus
          autoFocus={props.autoFocus}
          value={name}
          onChange={(e) => {
            setName(e.currentTarget.value)
            action.reset()
          }}
          error={nameError ?? serverNameError}
        />
        <PassphraseFields
          value={pass}
          onChange={(v) => {
            setPass(v)
            action.reset()
          }}
          errors={{ passphrase: passErrors.passphrase ?? action.fields.passphrase, confirm: passErrors.confirm }}
          label="Passphrase"
          description="Optional. Engram asks for it before it opens this profile. It does not encrypt the files on disk."
        />
        {otherError && (
          <Alert color="red" variant="light" role="alert">
            {otherError}
          </Alert>
        )}
        <Group justify="flex-end" mt="xs">
          {props.onCancel && (
            <Button variant="default" onClick={props.onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={action.busy}>
            {props.submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
