/**
 * The quick-capture window (#/capture): one autofocused box, Esc closes the window. Saving
 * belongs to the memories feature; until its channel exists the view says so instead of
 * pretending to save.
 */
import { Box, Stack, Text, Textarea } from '@mantine/core'
import { useState } from 'react'
import { isChannel } from '../../../../../shared/contract'

export function CaptureView(): React.JSX.Element {
  const [text, setText] = useState('')
  const canSave = isChannel('memories:capture')
  return (
    <Box p="md" h="100%" component="main">
      <Stack gap="xs" h="100%">
        <Textarea
          aria-label="Quick capture"
          placeholder="What do you want to remember?"
          autoFocus
          autosize
          minRows={4}
          maxRows={12}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') window.close()
          }}
        />
        <Text size="sm" c="dimmed">
          {canSave ? 'Press Enter to save' : 'Capture needs the memories feature.'}
        </Text>
      </Stack>
    </Box>
  )
}
