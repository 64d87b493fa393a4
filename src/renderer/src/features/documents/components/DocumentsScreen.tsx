/**
 * Documents: imported files. The importer arrives with the documents feature; until then a
 * drop is answered honestly instead of silently ignored.
 */
import { IconFileText } from '@tabler/icons-react'
import { useState } from 'react'
import { SectionEmptyState } from '../../../app/SectionEmptyState'
import { SectionPage } from '../../../app/SectionPage'
import { useNotifications } from '../../notifications/store'

export function DocumentsScreen(): React.JSX.Element {
  const [over, setOver] = useState(false)
  const notify = useNotifications((s) => s.notify)
  const hasFiles = (e: React.DragEvent): boolean => e.dataTransfer.types.includes('Files')
  return (
    <SectionPage title="Documents">
      <div
        onDragOver={(e) => {
          if (!hasFiles(e)) return
          e.preventDefault()
          setOver(true)
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault()
          setOver(false)
          notify({ kind: 'info', title: 'Nothing was imported', message: 'Importing documents is not part of this version of Engram yet.' })
        }}
        style={{ borderRadius: 'var(--mantine-radius-lg)', outline: over ? '2px dashed var(--mantine-primary-color-filled)' : undefined }}
      >
        <SectionEmptyState icon={IconFileText} title="No documents yet" description="Drop files here to import them." />
      </div>
    </SectionPage>
  )
}
