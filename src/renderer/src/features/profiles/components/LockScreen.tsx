/**
 * Full-screen gate while the active profile needs its passphrase (or no profile is chosen,
 * e.g. after the active one was deleted). Unlocking is a profiles:switch with the
 * passphrase; the other profiles can be opened from here too.
 */
import { Alert, Button, Center, Divider, Group, Paper, Stack, Text, ThemeIcon, Title, UnstyledButton } from '@mantine/core'
import { SecretInput } from '../../../components/SecretInput'
import { IconChevronRight, IconLock, IconPlus, IconUser } from '@tabler/icons-react'
import { useState } from 'react'
import { useAction } from '../../../lib/useAction'
import { useActiveProfile, useProfileDialogs, useProfilesStore } from '../store'

export function LockScreen(): React.JSX.Element {
  const profiles = useProfilesStore((s) => s.state?.profiles ?? [])
  const switchTo = useProfilesStore((s) => s.switchTo)
  const openDialog = useProfileDialogs((s) => s.open)
  const active = useActiveProfile()
  const [targetId, setTargetId] = useState<string | null>(active?.id ?? null)
  const [passphrase, setPassphrase] = useState('')
  const action = useAction((id: string, p: string | undefined) => switchTo(id, p))

  const target = profiles.find((p) => p.id === targetId) ?? null
  const others = profiles.filter((p) => p.id !== target?.id)

  function choose(id: string): void {
    const p = profiles.find((x) => x.id === id)
    if (!p) return
    action.reset()
    setPassphrase('')
    if (p.hasPassphrase) setTargetId(id)
    else void action.run(id, undefined)
  }

  async function unlock(e: React.FormEvent): Promise<void> {
    e.preventDefault()
    if (!target) return
    if (await action.run(target.id, passphrase)) setPassphrase('')
  }

  return (
    <Center mih="100%" p="xl" component="main">
      <Paper withBorder radius="lg" p={40} w={440} maw="100%" shadow="sm">
        <Stack gap="lg">
          <Stack gap="xs" align="center" ta="center">
            <ThemeIcon variant="light" size={56} radius="xl" aria-hidden="true">
              {target ? <IconLock size={28} stroke={1.5} /> : <IconUser size={28} stroke={1.5} />}
            </ThemeIcon>
            <Title order={1} size="h2">
              {target ? `${target.name} is locked` : 'Choose a profile'}
            </Title>
            <Text c="dimmed">{target ? 'Enter its passphrase to open it.' : 'Pick the profile to open.'}</Text>
          </Stack>

          {target && (
            <form onSubmit={unlock} noValidate>
              <Stack gap="md">
                <SecretInput
                  label="Passphrase"
                  autoComplete="current-password"
                  autoFocus
                  value={passphrase}
                  onChange={(e) => {
                    setPassphrase(e.currentTarget.value)
                    action.reset()
                  }}
                  error={action.error?.code === 'unauthorized' || action.error?.code === 'validation' ? action.error.message : undefined}
                />
                {action.error && action.error.code !== 'unauthorized' && action.error.code !== 'validation' && (
                  <Alert color="red" variant="light" role="alert">
                    {action.error.message}
                  </Alert>
                )}
                <Button type="submit" loading={action.busy} disabled={!passphrase} fullWidth>
                  Unlock
                </Button>
              </Stack>
            </form>
          )}

          {!target && action.error && (
            <Alert color="red" variant="light" role="alert">
              {action.error.message}
            </Alert>
          )}

          <Stack gap="xs">
            {others.length > 0 && (
              <>
                <Divider label={target ? 'Or open another profile' : 'Profiles'} labelPosition="center" />
                {others.map((p) => (
                  <UnstyledButton
                    key={p.id}
                    onClick={() => choose(p.id)}
                    aria-label={`Open ${p.name}${p.hasPassphrase ? ' (passphrase)' : ''}`}
                    p="sm"
                    style={{ borderRadius: 'var(--mantine-radius-md)', border: '1px solid var(--mantine-color-default-border)' }}
                  >
                    <Group justify="space-between" wrap="nowrap">
                      <Group gap="sm" wrap="nowrap">
                        <IconUser size={18} stroke={1.6} aria-hidden="true" />
                        <Text fw={500}>{p.name}</Text>
                        {p.hasPassphrase && <IconLock size={16} stroke={1.6} aria-hidden="true" />}
                      </Group>
                      <IconChevronRight size={16} aria-hidden="true" />
                    </Group>
                  </UnstyledButton>
                ))}
              </>
            )}
            <Button variant="subtle" leftSection={<IconPlus size={16} />} onClick={() => openDialog({ kind: 'create' })}>
              New profile
            </Button>
          </Stack>
        </Stack>
      </Paper>
    </Center>
  )
}
