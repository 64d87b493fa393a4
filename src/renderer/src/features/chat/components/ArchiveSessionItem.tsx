/** The chat menus' Archive item, or Restore for an archived chat (the conversation header and the session list share it). */
import { Menu } from '@mantine/core'
import { IconArchive, IconArchiveOff } from '@tabler/icons-react'
import { setSessionArchived } from '../actions'

export function ArchiveSessionItem(props: { sessionId: string; archived: boolean }): React.JSX.Element {
  return props.archived ? (
    <Menu.Item leftSection={<IconArchiveOff size={14} />} onClick={() => setSessionArchived(props.sessionId, false)}>
      Restore
    </Menu.Item>
  ) : (
    <Menu.Item leftSection={<IconArchive size={14} />} onClick={() => setSessionArchived(props.sessionId, true)}>
      Archive
    </Menu.Item>
  )
}
