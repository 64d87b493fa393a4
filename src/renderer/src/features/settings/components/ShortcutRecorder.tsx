/**
 * A field that records a key combination: focus it, press the keys, and the combination is
 * saved. Tab and Shift+Tab without other modifiers still move focus; Escape leaves it.
 */
import { TextInput } from '@mantine/core'
import { IconKeyboard } from '@tabler/icons-react'
import { useState } from 'react'
import { captureKey, formatAccelerator } from '../../../lib/accelerator'

export function ShortcutRecorder(props: {
  value: string
  error: string | null
  onRecord(accelerator: string): void
  onInput(): void
}): React.JSX.Element {
  const [recording, setRecording] = useState(false)
  const [held, setHeld] = useState<string[]>([])
  const [problem, setProblem] = useState<string | null>(null)

  function onKeyDown(e: React.KeyboardEvent<HTMLInputElement>): void {
    const plain = !e.ctrlKey && !e.metaKey && !e.altKey
    if (e.key === 'Tab' && plain) return // keep keyboard navigation working
    if (e.key === 'Escape' && plain && !e.shiftKey) {
      e.currentTarget.blur()
      return
    }
    e.preventDefault()
    e.stopPropagation()
    props.onInput()
    const c = captureKey(e)
    if (c.kind === 'partial') {
      setHeld(c.modifiers)
      setProblem(null)
    } else if (c.kind === 'invalid') {
      setHeld([])
      setProblem(c.reason)
    } else {
      setHeld([])
      setProblem(null)
      props.onRecord(c.accelerator)
    }
  }

  const display = recording && held.length > 0 ? `${formatAccelerator(held.join('+'))}+…` : formatAccelerator(props.value)

  return (
    <TextInput
      label="Shortcut"
      description={recording ? 'Press the new key combination, with Ctrl, Alt or Shift. Esc leaves the field.' : 'Focus this field and press a new key combination to change it.'}
      readOnly
      value={display}
      leftSection={<IconKeyboard size={18} stroke={1.6} />}
      onFocus={() => setRecording(true)}
      onBlur={() => {
        setRecording(false)
        setHeld([])
      }}
      onKeyDown={onKeyDown}
      onKeyUp={(e) => {
        if (!e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey) setHeld([])
      }}
      error={problem ?? props.error}
      styles={{ input: { cursor: 'pointer', fontWeight: 500 } }}
      maw={420}
    />
  )
}
