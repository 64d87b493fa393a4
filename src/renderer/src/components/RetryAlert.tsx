/** A load that failed, said where its content would be: the title, the error, and Try again. */
import { Alert, Button, Stack, Text, type MantineSpacing } from '@mantine/core'

export function RetryAlert(props: { title: string; message: string; onRetry(): void; gap?: MantineSpacing }): React.JSX.Element {
  return (
    <Alert color="red" variant="light" role="alert" title={props.title}>
      <Stack gap={props.gap ?? 'sm'} align="flex-start">
        <Text size="sm">{props.message}</Text>
        <Button size="xs" variant="light" color="red" onClick={props.onRetry}>
          Try again
        </Button>
      </Stack>
    </Alert>
  )
}
