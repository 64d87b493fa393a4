/** Settings: the open profile, the quick-capture shortcut, the chat model and its usage, backup and archives, and facts about this installation. */
import { Stack } from '@mantine/core'
import { SectionPage } from '../../../app/SectionPage'
import { AboutSettings } from './AboutSettings'
import { BackupSettings } from './BackupSettings'
import { CaptureShortcutSettings } from './CaptureShortcutSettings'
import { ChatModelSettings } from './ChatModelSettings'
import { ProfileSettings } from './ProfileSettings'

export function SettingsScreen(): React.JSX.Element {
  return (
    <SectionPage title="Settings">
      <Stack gap="xl">
        <ProfileSettings />
        <CaptureShortcutSettings />
        <ChatModelSettings />
        <BackupSettings />
        <AboutSettings />
      </Stack>
    </SectionPage>
  )
}
