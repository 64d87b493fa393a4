/** The honest empty state of a section: an icon, what will appear here, and a real action if one exists. */
import { EmptyState, Paper } from '@mantine/core'
import type { Icon } from '@tabler/icons-react'

export function SectionEmptyState(props: {
  icon: Icon
  title: string
  description: React.ReactNode
  action?: React.ReactNode
}): React.JSX.Element {
  return (
    <Paper withBorder radius="lg" py={64} px="xl" style={{ borderStyle: 'dashed' }}>
      <EmptyState variant="light" size="lg">
        <EmptyState.Indicator>
          <props.icon size={32} stroke={1.5} />
        </EmptyState.Indicator>
        <EmptyState.Title order={2}>{props.title}</EmptyState.Title>
        <EmptyState.Description>{props.description}</EmptyState.Description>
        {props.action && <EmptyState.Actions>{props.action}</EmptyState.Actions>}
      </EmptyState>
    </Paper>
  )
}
