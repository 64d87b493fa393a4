/** First run: no profile exists yet, so the first thing to do is to create one. */
import { Center, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core'
import { IconBrain } from '@tabler/icons-react'
import { CreateProfileForm } from './CreateProfileForm'

export function WelcomeScreen(): React.JSX.Element {
  return (
    <Center mih="100%" p="xl" component="main">
      <Paper withBorder radius="lg" p={40} w={460} maw="100%" shadow="sm">
        <Stack gap="lg">
          <Stack gap="xs" align="center" ta="center">
            <ThemeIcon variant="light" size={56} radius="xl" aria-hidden="true">
              <IconBrain size={30} stroke={1.5} />
            </ThemeIcon>
            <Title order={1} size="h2">
              Welcome to Engram
            </Title>
            <Text c="dimmed">
              Engram remembers what you save, on this computer only. Create a profile to begin; you can add more later, each
              with its own data.
            </Text>
          </Stack>
          <CreateProfileForm submitLabel="Create profile" autoFocus />
        </Stack>
      </Paper>
    </Center>
  )
}
