/** No memories at all: say how to make one (the composer is right above), naming the real shortcut. */
import { Button } from '@mantine/core'
import { IconBulb } from '@tabler/icons-react'
import { SectionEmptyState } from '../../../app/SectionEmptyState'
import { useNavigation } from '../../../app/navigation'
import { formatAccelerator } from '../../../lib/accelerator'
import { useSettingsStore } from '../../settings/store'

export function MemoriesEmptyState(): React.JSX.Element {
  const info = useSettingsStore((s) => s.info)
  const go = useNavigation((s) => s.go)
  const shortcut = info?.captureShortcut ?? null
  return (
    <SectionEmptyState
      icon={IconBulb}
      title="No memories yet"
      description={shortcut ? `Capture one with ${formatAccelerator(shortcut)} or from chat.` : 'Capture one from chat.'}
      action={
        info && !shortcut ? (
          <Button variant="light" onClick={() => go('settings')}>
            Set up a capture shortcut
          </Button>
        ) : undefined
      }
    />
  )
}
