/** The label on an answer made without a model: why (none configured, or it failed) and the way to Settings → Chat model. */
import { Alert, Anchor, Text } from '@mantine/core'
import { IconBulb } from '@tabler/icons-react'
import { openChatModelSettings } from '../settingsLink'

export function RecallNotice(props: { error: string | null }): React.JSX.Element {
  return (
    <Alert variant="light" color="gray" icon={<IconBulb size={18} />} py="xs" data-testid="recall-notice">
      <Text size="sm">
        {props.error
          ? `Recall mode — the chat model failed: ${props.error} These are the most relevant things you saved.`
          : 'Recall mode — no chat model configured: these are the most relevant things you saved.'}{' '}
        <Anchor component="button" type="button" size="sm" onClick={openChatModelSettings}>
          Settings → Chat model
        </Anchor>
      </Text>
    </Alert>
  )
}
