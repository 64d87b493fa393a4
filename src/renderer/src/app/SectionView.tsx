/** Renders the current section. */
import { ArchiveScreen } from '../features/archive/components/ArchiveScreen'
import { ChatScreen } from '../features/chat/components/ChatScreen'
import { DocumentsScreen } from '../features/documents/components/DocumentsScreen'
import { MemoriesScreen } from '../features/memories/components/MemoriesScreen'
import { SettingsScreen } from '../features/settings/components/SettingsScreen'
import { WorkflowsScreen } from '../features/workflows/components/WorkflowsScreen'
import { useSection } from './navigation'
import type { SectionId } from './sections'

const SCREENS: Record<SectionId, () => React.JSX.Element> = {
  chat: ChatScreen,
  memories: MemoriesScreen,
  documents: DocumentsScreen,
  archive: ArchiveScreen,
  workflows: WorkflowsScreen,
  settings: SettingsScreen
}

export function SectionView(): React.JSX.Element {
  const Screen = SCREENS[useSection()]
  return <Screen />
}
