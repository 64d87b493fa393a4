/** One titled group of settings. */
import { Paper, Stack, Text, Title } from '@mantine/core'

export function SettingsCard(props: { title: string; description?: string; children: React.ReactNode }): React.JSX.Element {
  const id = `settings-${props.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
  return (
    <Paper component="section" aria-labelledby={id} withBorder radius="lg" p="xl">
      <Stack gap="lg">
        <Stack gap={4}>
          <Title order={2} size="h4" id={id}>
            {props.title}
          </Title>
          {props.description && (
            <Text size="sm" c="dimmed">
              {props.description}
            </Text>
          )}
        </Stack>
        {props.children}
      </Stack>
    </Paper>
  )
}
