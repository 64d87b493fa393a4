/**
 * The main window once a profile is open: header, section navigation and the current
 * section. Files dropped anywhere on it are imported as documents (DropAnywhere).
 */
import { AppShell, Group, ThemeIcon, Title } from '@mantine/core'
import { IconBrain } from '@tabler/icons-react'
import { DropAnywhere } from '../features/documents/components/DropAnywhere'
import { ProfilePicker } from '../features/profiles/components/ProfilePicker'
import { NavBar } from './NavBar'
import { SectionView } from './SectionView'
import { useSectionShortcuts } from './useSectionShortcuts'

export function AppFrame(): React.JSX.Element {
  useSectionShortcuts()
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 232, breakpoint: 0 }} padding="xl">
      <AppShell.Header px="lg">
        <Group h="100%" justify="space-between">
          <Group gap="sm">
            <ThemeIcon variant="light" size={34} radius="md" aria-hidden="true">
              <IconBrain size={20} stroke={1.6} />
            </ThemeIcon>
            <Title order={2} size="h4" fw={600}>
              Engram
            </Title>
          </Group>
          <ProfilePicker />
        </Group>
      </AppShell.Header>
      <NavBar />
      <AppShell.Main>
        <SectionView />
      </AppShell.Main>
      <DropAnywhere />
    </AppShell>
  )
}
