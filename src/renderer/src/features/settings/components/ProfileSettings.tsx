/** The open profile: its name, its passphrase, locking it, and deleting it. */
import { Button, Divider, Group, Stack, Text } from '@mantine/core'
import { IconKey, IconLock, IconTrash } from '@tabler/icons-react'
import { useState } from 'react'
import { notifyError } from '../../notifications/store'
import { useActiveProfile, useProfileDialogs, useProfilesStore } from '../../profiles/store'
import { SettingsCard } from './SettingsCard'
import { ProfileNameForm } from './ProfileNameForm'

export function ProfileSettings(): React.JSX.Element | null {
  const profile = useActiveProfile()
  const open = useProfileDialogs((s) => s.open)
  const lock = useProfilesStore((s) => s.lock)
  const [locking, setLocking] = useState(false)
  if (!profile) return null

  return (
    <SettingsCard title="Profile" description="Settings of the profile that is open now.">
      <ProfileNameForm key={`${profile.id}:${profile.name}`} profile={profile} />
      <Divider />
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2}>
          <Text fw={500}>Passphrase</Text>
          <Text size="sm" c="dimmed">
            {profile.hasPassphrase
              ? 'Engram asks for the passphrase before it opens this profile.'
              : 'No passphrase: anyone using this computer account can open this profile.'}
          </Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          {profile.hasPassphrase ? (
            <>
              <Button variant="default" leftSection={<IconKey size={16} />} onClick={() => open({ kind: 'passphrase', profile, mode: 'change' })}>
                Change passphrase
              </Button>
              <Button variant="subtle" color="red" onClick={() => open({ kind: 'passphrase', profile, mode: 'remove' })}>
                Remove passphrase
              </Button>
            </>
          ) : (
            <Button variant="default" leftSection={<IconKey size={16} />} onClick={() => open({ kind: 'passphrase', profile, mode: 'set' })}>
              Set a passphrase
            </Button>
          )}
        </Group>
      </Group>
      {profile.hasPassphrase && (
        <>
          <Divider />
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Stack gap={2}>
              <Text fw={500}>Lock</Text>
              <Text size="sm" c="dimmed">
                Close this profile's data until its passphrase is entered again.
              </Text>
            </Stack>
            <Button
              variant="default"
              leftSection={<IconLock size={16} />}
              loading={locking}
              onClick={() => {
                setLocking(true)
                lock()
                  .catch((err) => notifyError(err, 'Could not lock'))
                  .finally(() => setLocking(false))
              }}
            >
              Lock now
            </Button>
          </Group>
        </>
      )}
      <Divider />
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2}>
          <Text fw={500} c="red">
            Delete profile
          </Text>
          <Text size="sm" c="dimmed">
            Permanently deletes this profile and all of its data. This cannot be undone.
          </Text>
        </Stack>
        <Button color="red" variant="outline" leftSection={<IconTrash size={16} />} onClick={() => open({ kind: 'delete', profile })}>
          Delete profile
        </Button>
      </Group>
    </SettingsCard>
  )
}
