/**
 * Drop files or folders anywhere on the window to import them. Listens on the window, so a
 * drop zone of its own (one that calls preventDefault) keeps its drops; everything else
 * that is dropped is imported and the Documents section shows its progress. A file
 * dropped on the window never navigates it (in Electron that would load the file into the
 * app's window). Also starts the import-progress subscription for the whole frame.
 */
import { Paper, Stack, Text, ThemeIcon } from '@mantine/core'
import { IconFileImport } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { useNavigation } from '../../../app/navigation'
import '../documents.css'
import { importDrop } from '../importer'
import { useImportEvents } from '../useDocumentsEvents'

const carriesFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes('Files')

export function DropAnywhere(): React.JSX.Element | null {
  useImportEvents()
  const [over, setOver] = useState(false)

  useEffect(() => {
    // dragenter/dragleave fire for every element crossed: count them to know when the drag left the window.
    let depth = 0
    const onEnter = (e: DragEvent): void => {
      if (!carriesFiles(e)) return
      depth++
      setOver(true)
    }
    const onLeave = (e: DragEvent): void => {
      if (!carriesFiles(e)) return
      depth = Math.max(0, depth - 1)
      if (depth === 0) setOver(false)
    }
    const onOver = (e: DragEvent): void => {
      e.preventDefault()
      if (e.dataTransfer && carriesFiles(e)) e.dataTransfer.dropEffect = 'copy'
    }
    const onDrop = (e: DragEvent): void => {
      depth = 0
      setOver(false)
      if (e.defaultPrevented) return
      e.preventDefault()
      if (!e.dataTransfer || !carriesFiles(e)) return
      importDrop(e.dataTransfer)
      const nav = useNavigation.getState()
      if (nav.route.kind !== 'section' || nav.route.section !== 'documents') nav.go('documents')
    }
    window.addEventListener('dragenter', onEnter)
    window.addEventListener('dragleave', onLeave)
    window.addEventListener('dragover', onOver)
    window.addEventListener('drop', onDrop)
    return () => {
      window.removeEventListener('dragenter', onEnter)
      window.removeEventListener('dragleave', onLeave)
      window.removeEventListener('dragover', onOver)
      window.removeEventListener('drop', onDrop)
    }
  }, [])

  if (!over) return null
  return (
    <div className="engram-drop-overlay" aria-hidden="true">
      <Paper radius="lg" p="xl" shadow="xl" withBorder>
        <Stack align="center" gap="xs">
          <ThemeIcon size={56} radius="xl" variant="light">
            <IconFileImport size={30} stroke={1.5} />
          </ThemeIcon>
          <Text fw={600} size="lg">
            Drop to import
          </Text>
          <Text size="sm" c="dimmed">
            Files and folders become searchable documents.
          </Text>
        </Stack>
      </Paper>
    </div>
  )
}
