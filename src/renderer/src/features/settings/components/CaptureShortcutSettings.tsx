/**
 * The global quick-capture shortcut: on or off, and a field that records a new key
 * combination (turned into Electron accelerator syntax) and saves it at once.
 */
import { Alert, Stack, Switch, Text } from '@mantine/core'
import { DEFAULT_CAPTURE_SHORTCUT } from '../defaults'
import { useAction } from '../../../lib/useAction'
import { notifySuccess } from '../../notifications/store'
import { useSettingsStore } from '../store'
import { SettingsCard } from './SettingsCard'
import { ShortcutRecorder } from './ShortcutRecorder'
import { formatAccelerator } from '../../../lib/accelerator'

export function CaptureShortcutSettings(): React.JSX.Element {
  const info = useSettingsStore((s) => s.info)
  const setShortcut = useSettingsStore((s) => s.setCaptureShortcut)
  const lastOn = useSettingsStore((s) => s.lastCaptureShortcut)
  const action = useAction((acc: string | null) => setShortcut(acc))
  const shortcut = info?.captureShortcut ?? null

  async function toggle(on: boolean): Promise<void> {
    const next = on ? (lastOn ?? DEFAULT_CAPTURE_SHORTCUT) : null
    if (await action.run(next)) notifySuccess(next ? `Quick capture: ${formatAccelerator(next)}` : 'Quick capture shortcut turned off')
  }

  async function record(accelerator: string): Promise<void> {
    if (accelerator === shortcut) return
    if (await action.run(accelerator)) notifySuccess(`Quick capture: ${formatAccelerator(accelerator)}`)
  }

  return (
    <SettingsCard title="Quick capture shortcut" description="A key combination that opens a small capture window from any app.">
      <Stack gap="md">
        <Switch
          label="Use a quick capture shortcut"
          checked={shortcut !== null}
          disabled={!info || action.busy}
          onChange={(e) => void toggle(e.currentTarget.checked)}
        />
        {shortcut !== null && <ShortcutRecorder value={shortcut} error={action.error?.message ?? null} onRecord={record} onInput={action.reset} />}
        {shortcut === null && action.error && (
          <Alert color="red" variant="light" role="alert">
            {action.error.message}
          </Alert>
        )}
        {info?.mode === 'browser' && (
          <Text size="sm" c="dimmed">
            Global shortcuts work in the desktop app. In this browser window the shortcut is saved, but not registered.
          </Text>
        )}
      </Stack>
    </SettingsCard>
  )
}
