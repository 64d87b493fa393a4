/** Rename the open profile in place. */
import { Button, Group, TextInput } from '@mantine/core'
import { useState } from 'react'
import type { ProfileSummary } from '../../../../../shared/types'
import { useAction } from '../../../lib/useAction'
import { notifySuccess } from '../../notifications/store'
import { useProfilesStore } from '../../profiles/store'

export function ProfileNameForm(props: { profile: ProfileSummary }): React.JSX.Element {
  const rename = useProfilesStore((s) => s.rename)
  const [name, setName] = useState(props.profile.name)
  const action = useAction((n: string) => rename(props.profile.id, n))
  const changed = name.trim() !== props.profile.name

  async function submit(e: React.FormEvent): Promise<void> {
    e.preventDefault()
    if (!changed) return
    if (await action.run(name.trim())) notifySuccess('Profile renamed')
  }

  return (
    <form onSubmit={submit} noValidate>
      <Group align="flex-end" gap="sm" wrap="nowrap">
        <TextInput
          label="Profile name"
          maxLength={64}
          style={{ flex: 1 }}
          value={name}
          onChange={(e) => {
            setName(e.currentTarget.value)
            action.reset()
          }}
          error={action.fields.name ?? action.error?.message}
        />
        <Button type="submit" variant="default" loading={action.busy} disabled={!changed || !name.trim()}>
          Save name
        </Button>
      </Group>
    </form>
  )
}
