/** The app's main sections, in navigation order; Ctrl/Cmd+1…6 follow this order. */
import { IconArchive, IconBulb, IconFileText, IconMessageCircle, IconRoute, IconSettings, type Icon } from '@tabler/icons-react'

export type SectionId = 'chat' | 'memories' | 'documents' | 'archive' | 'workflows' | 'settings'

export interface Section {
  id: SectionId
  label: string
  icon: Icon
}

export const SECTIONS: readonly Section[] = [
  { id: 'chat', label: 'Chat', icon: IconMessageCircle },
  { id: 'memories', label: 'Memories', icon: IconBulb },
  { id: 'documents', label: 'Documents', icon: IconFileText },
  { id: 'archive', label: 'Archive', icon: IconArchive },
  { id: 'workflows', label: 'Workflows', icon: IconRoute },
  { id: 'settings', label: 'Settings', icon: IconSettings }
]

export const isSectionId = (s: string): s is SectionId => SECTIONS.some((x) => x.id === s)
