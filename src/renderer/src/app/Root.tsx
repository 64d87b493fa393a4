/**
 * Decides what the main window shows: a loader until profiles are known, the welcome
 * screen on first run, the lock screen while the active profile needs its passphrase (or
 * none is chosen), and otherwise the app frame.
 */
import { Center, Loader, Stack, Text } from '@mantine/core'
import { LockScreen } from '../features/profiles/components/LockScreen'
import { ProfileDialogs } from '../features/profiles/components/ProfileDialogs'
import { WelcomeScreen } from '../features/profiles/components/WelcomeScreen'
import { useActiveProfile, useProfilesStore } from '../features/profiles/store'
import { AppFrame } from './AppFrame'
import { useCoreEvents } from './useCoreEvents'

function Screen(): React.JSX.Element {
  const state = useProfilesStore((s) => s.state)
  const active = useActiveProfile()
  if (!state) {
    return (
      <Center h="100%">
        <Stack align="center" gap="sm">
          <Loader aria-label="Loading" />
          <Text c="dimmed">Opening Engram…</Text>
        </Stack>
      </Center>
    )
  }
  if (state.profiles.length === 0) return <WelcomeScreen />
  if (!active || active.locked) return <LockScreen />
  return <AppFrame />
}

export function Root(): React.JSX.Element {
  useCoreEvents()
  return (
    <>
      <Screen />
      <ProfileDialogs />
    </>
  )
}
