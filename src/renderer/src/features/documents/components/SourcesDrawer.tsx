/**
 * "Sync & chat history": folders kept in sync, and chat exports to import. Opened from the
 * Documents toolbar. A watched folder's new files are imported, changed ones re-imported
 * and removed ones archived (never deleted); stopping the sync keeps its documents.
 */
import { ActionIcon, Alert, Badge, Button, Drawer, FileButton, Group, Paper, Progress, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core'
import { IconFolderPlus, IconMessages, IconRefresh, IconX } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { api } from '../../../lib/api'
import { useAction } from '../../../lib/useAction'
import { notifyError, notifySuccess } from '../../notifications/store'
import { isDesktop } from '../desktop'
import { useSourcesStore, type ChatImportProgress } from '../sources'
import type { WatchedFolder } from '../../../../../shared/types'

const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : 'not yet')

function FolderRow({ folder }: { folder: WatchedFolder }): React.JSX.Element {
  const store = useSourcesStore.getState()
  return (
    <Paper withBorder radius="md" p="sm" data-testid="watched-folder">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
            {folder.path}
          </Text>
          <Group gap="xs">
            <Text size="xs" c="dimmed" data-testid="watched-folder-count">
              {folder.documents} {folder.documents === 1 ? 'document' : 'documents'}
            </Text>
            <Text size="xs" c="dimmed">
              · last checked {when(folder.lastScanAt)}
            </Text>
            {!folder.present && (
              <Tooltip label="Engram cannot find this folder (an unplugged drive?). Nothing in it is archived until it is back.">
                <Badge size="xs" color="orange" variant="light">
                  Missing
                </Badge>
              </Tooltip>
            )}
          </Group>
        </Stack>
        <Group gap={4} wrap="nowrap">
          <Tooltip label="Check this folder now">
            <ActionIcon
              variant="subtle"
              aria-label={`Check ${folder.path} now`}
              onClick={() =>
                void store.rescan(folder.id).then(
                  ([r]) => notifySuccess('Folder checked', r ? `${r.imported} new, ${r.reimported} changed, ${r.archived} archived.` : undefined),
                  (err: unknown) => notifyError(err, 'Could not check the folder')
                )
              }
            >
              <IconRefresh size={16} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Stop keeping it in sync (its documents stay)">
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={`Stop syncing ${folder.path}`}
              onClick={() =>
                void store.removeFolder(folder.id).then(
                  () => notifySuccess('No longer in sync', 'Its documents stay in Engram.'),
                  (err: unknown) => notifyError(err, 'Could not stop syncing')
                )
              }
            >
              <IconX size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>
    </Paper>
  )
}

function AddFolder(): React.JSX.Element {
  const [path, setPath] = useState('')
  const add = useAction(async (p?: string) => {
    const folder = await useSourcesStore.getState().addFolder(p)
    if (folder) {
      setPath('')
      notifySuccess('Folder kept in sync', `${folder.path}: its files are being imported.`)
    }
  })
  if (isDesktop())
    return (
      <Stack gap={4}>
        <Button leftSection={<IconFolderPlus size={16} />} loading={add.busy} onClick={() => void add.run()} style={{ alignSelf: 'flex-start' }}>
          Keep a folder in sync…
        </Button>
        {add.error && (
          <Text size="sm" c="red">
            {add.error.message}
          </Text>
        )}
      </Stack>
    )
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault()
        void add.run(path.trim())
      }}
    >
      <Group align="flex-start" gap="xs">
        <TextInput
          style={{ flex: 1 }}
          label="Folder to keep in sync"
          description="The full path of a folder on this computer."
          placeholder="/home/me/Notes"
          value={path}
          onChange={(e) => {
            setPath(e.currentTarget.value)
            add.reset()
          }}
          error={add.fields.path ?? add.error?.message}
        />
        <Button type="submit" mt={42} leftSection={<IconFolderPlus size={16} />} loading={add.busy} disabled={!path.trim()}>
          Keep in sync
        </Button>
      </Group>
    </form>
  )
}

function ChatImportRow({ c }: { c: ChatImportProgress }): React.JSX.Element {
  const source = c.format === 'chatgpt' ? 'ChatGPT' : 'Claude'
  const done = c.status === 'succeeded'
  const failed = c.status === 'failed' || c.status === 'cancelled'
  return (
    <Paper withBorder radius="md" p="sm" data-testid="chat-import">
      <Stack gap={4}>
        <Group justify="space-between">
          <Text size="sm" fw={500}>
            {c.name} · {source}, {c.conversations} {c.conversations === 1 ? 'conversation' : 'conversations'}
          </Text>
          <Badge size="sm" variant="light" color={done ? 'green' : failed ? 'red' : 'blue'} data-testid="chat-import-status">
            {done ? 'Imported' : failed ? (c.status === 'cancelled' ? 'Cancelled' : 'Failed') : 'Importing'}
          </Badge>
        </Group>
        {!done && !failed && <Progress value={Math.round(c.progress * 100)} size="sm" aria-label={`Importing ${c.name}`} animated />}
        {c.detail && (
          <Text size="xs" c={failed ? 'red' : 'dimmed'}>
            {c.detail}
          </Text>
        )}
      </Stack>
    </Paper>
  )
}

export function SourcesDrawer({ opened, onClose }: { opened: boolean; onClose: () => void }): React.JSX.Element {
  const folders = useSourcesStore((s) => s.folders)
  const loaded = useSourcesStore((s) => s.loaded)
  const error = useSourcesStore((s) => s.error)
  const chatImports = useSourcesStore((s) => s.chatImports)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (!opened) return
    const store = useSourcesStore.getState()
    void store.load()
    const offs = [api.on('documents:changed', () => void store.load()), api.on('workflows:run', (e) => store.applyRunEvent(e))]
    return () => offs.forEach((off) => off())
  }, [opened])

  return (
    <Drawer opened={opened} onClose={onClose} position="right" size="lg" title={<Title order={3}>Sync &amp; chat history</Title>}>
      <Stack gap="xl">
        <Stack gap="sm">
          <Title order={4}>Folders kept in sync</Title>
          <Text size="sm" c="dimmed">
            Engram imports the files in these folders, imports them again when they change, and archives a document when its file is removed. Nothing on your disk is changed.
          </Text>
          <AddFolder />
          {error && (
            <Alert color="red" variant="light">
              {error}
            </Alert>
          )}
          {loaded && folders.length === 0 && !error && (
            <Text size="sm" c="dimmed" data-testid="no-watched-folders">
              No folders yet. Add one to keep your notes folder, say, always searchable.
            </Text>
          )}
          {folders.map((f) => (
            <FolderRow key={f.id} folder={f} />
          ))}
          {folders.length > 1 && (
            <Button
              variant="default"
              size="xs"
              leftSection={<IconRefresh size={14} />}
              style={{ alignSelf: 'flex-start' }}
              onClick={() => void useSourcesStore.getState().rescan().catch((err: unknown) => notifyError(err, 'Could not check the folders'))}
            >
              Check all folders now
            </Button>
          )}
        </Stack>

        <Stack gap="sm">
          <Title order={4}>Chat history from other apps</Title>
          <Text size="sm" c="dimmed">
            Import your ChatGPT or Claude history: export your data in that app, unzip it, and choose the <code>conversations.json</code> inside. Each conversation becomes a
            searchable chat here; importing the same export again adds only what is new.
          </Text>
          <FileButton
            accept="application/json,.json"
            onChange={(file) => {
              if (!file) return
              setBusy(true)
              void useSourcesStore
                .getState()
                .importChatExport(file)
                .catch((err: unknown) => notifyError(err, `Could not import ${file.name}`))
                .finally(() => setBusy(false))
            }}
          >
            {(props) => (
              <Button {...props} variant="default" leftSection={<IconMessages size={16} />} loading={busy} style={{ alignSelf: 'flex-start' }}>
                Import a chat export…
              </Button>
            )}
          </FileButton>
          {chatImports.map((c) => (
            <ChatImportRow key={c.runId} c={c} />
          ))}
        </Stack>
      </Stack>
    </Drawer>
  )
}
