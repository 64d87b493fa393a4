/** The frame of one section: its heading, a one-line description, and its content. */
import { Container, Stack, Text, Title } from '@mantine/core'

export function SectionPage(props: { title: string; description?: string; children: React.ReactNode }): React.JSX.Element {
  return (
    <Container size="md" py="md">
      <Stack gap="xl">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {props.title}
          </Title>
          {props.description && <Text c="dimmed">{props.description}</Text>}
        </Stack>
        {props.children}
      </Stack>
    </Container>
  )
}
