/** Memories: what the user captured. Names the real capture shortcut, or offers to turn it on. */
import { Button } from '@mantine/core'
import { IconBulb } from '@tabler/icons-react'
import { SectionEmptyState } from '../../../app/SectionEmptyState'
import { SectionPage } from '../../../app/SectionPage'
import { useNavigation } from '../../../app/navigation'
import { formatAccelerator } from '../../../lib/accelerator'
import { useSettingsStore } from '../../settings/store'

export function MemoriesScreen(): React.JSX.Element {
  const info = useSettingsStore((s) => s.info)
  const go = useNavigation((s) => s.go)
  const shortcut = info?.captureShortcut ?? null
  return (
    <SectionPage title="Memories">
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
    </SectionPage>
  )
}
