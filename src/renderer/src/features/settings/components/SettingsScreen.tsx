/** Settings: the open profile, the quick-capture shortcut, and facts about this installation. */
import { Stack } from '@mantine/core'
import { SectionPage } from '../../../app/SectionPage'
import { AboutSettings } from './AboutSettings'
import { CaptureShortcutSettings } from './CaptureShortcutSettings'
import { ProfileSettings } from './ProfileSettings'

export function SettingsScreen(): React.JSX.Element {
  return (
    <SectionPage title="Settings">
      <Stack gap="xl">
        <ProfileSettings />
        <CaptureShortcutSettings />
        <AboutSettings />
      </Stack>
    </SectionPage>
  )
}
