/**
 * The header's profile menu: every profile (the active one checked, a lock on those with a
 * passphrase), and the actions on profiles: switch, create, rename, delete, lock now.
 */
import { Button, Menu, Text } from '@mantine/core'
import { IconCheck, IconChevronDown, IconKey, IconLock, IconPencil, IconPlus, IconTrash, IconUser } from '@tabler/icons-react'
import { notifyError } from '../../notifications/store'
import { useActiveProfile, useProfileDialogs, useProfilesStore } from '../store'
import type { ProfileSummary } from '../../../../../shared/types'

/** "Work (current, passphrase)": what the check mark and the lock icon say, for screen readers. */
function itemLabel(p: ProfileSummary): string {
  const notes = [p.active && 'current', p.hasPassphrase && 'passphrase'].filter(Boolean)
  return notes.length ? `${p.name} (${notes.join(', ')})` : p.name
}

export function ProfilePicker(): React.JSX.Element | null {
  const profiles = useProfilesStore((s) => s.state?.profiles ?? [])
  const switchTo = useProfilesStore((s) => s.switchTo)
  const lock = useProfilesStore((s) => s.lock)
  const open = useProfileDialogs((s) => s.open)
  const active = useActiveProfile()
  if (!active) return null

  function choose(p: ProfileSummary): void {
    if (p.active) return
    if (p.hasPassphrase) open({ kind: 'unlock', profile: p })
    else switchTo(p.id).catch((err) => notifyError(err, `Could not open ${p.name}`))
  }

  return (
    <Menu position="bottom-end" width={260} shadow="md" withinPortal>
      <Menu.Target>
        <Button
          variant="default"
          leftSection={<IconUser size={16} stroke={1.6} />}
          rightSection={<IconChevronDown size={16} />}
          aria-label={`Profile: ${active.name}`}
        >
          <Text span fw={500} maw={180} truncate>
            {active.name}
          </Text>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Profiles</Menu.Label>
        {profiles.map((p) => (
          <Menu.Item
            key={p.id}
            onClick={() => choose(p)}
            aria-label={itemLabel(p)}
            leftSection={p.active ? <IconCheck size={16} aria-hidden="true" /> : <span style={{ width: 16, display: 'inline-block' }} />}
            rightSection={p.hasPassphrase ? <IconLock size={14} stroke={1.6} aria-hidden="true" /> : undefined}
            fw={p.active ? 600 : undefined}
          >
            {p.name}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item leftSection={<IconPlus size={16} />} onClick={() => open({ kind: 'create' })}>
          New profile…
        </Menu.Item>
        <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => open({ kind: 'rename', profile: active })}>
          Rename profile…
        </Menu.Item>
        {active.hasPassphrase ? (
          <Menu.Item leftSection={<IconLock size={16} />} onClick={() => lock().catch((err) => notifyError(err, 'Could not lock'))}>
            Lock now
          </Menu.Item>
        ) : (
          <Menu.Item leftSection={<IconKey size={16} />} onClick={() => open({ kind: 'passphrase', profile: active, mode: 'set' })}>
            Set a passphrase…
          </Menu.Item>
        )}
        <Menu.Divider />
        <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => open({ kind: 'delete', profile: active })}>
          Delete profile…
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  )
}
