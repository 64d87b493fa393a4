/**
 * The quick-capture window (#/capture): one autofocused box, Esc closes the window (main
 * hides it). Saving belongs to the memories feature; until its channel exists the view
 * says so instead of pretending to save.
 */
import { Box, Stack, Text, Textarea } from '@mantine/core'
import { useEffect, useRef, useState } from 'react'
import { isChannel } from '../../../../../shared/contract'
import { api } from '../../../lib/api'

export function CaptureView(): React.JSX.Element {
  const [text, setText] = useState('')
  const box = useRef<HTMLTextAreaElement>(null)
  const canSave = isChannel('memories:capture')

  // Main reuses the hidden window: each time it is shown again, put the cursor back in the box.
  useEffect(() => api.on('capture:open', () => box.current?.focus()), [])

  return (
    <Box p="sm" h="100%" component="main">
      <Stack gap={6} h="100%">
        <Textarea
          ref={box}
          aria-label="Quick capture"
          placeholder="What do you want to remember?"
          autoFocus
          autosize
          minRows={3}
          maxRows={8}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') window.close()
          }}
        />
        <Text size="xs" c="dimmed">
          {canSave ? 'Press Enter to save' : 'Capture needs the memories feature.'}
        </Text>
      </Stack>
    </Box>
  )
}
