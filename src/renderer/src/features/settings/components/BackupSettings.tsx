/**
 * Export, import and scheduled backup of a profile as `.engram` archives. Paths are typed
 * here (the browser harness has no file dialog that yields a path; the desktop build will
 * ask main for a save/open dialog). Progress arrives as `archives:progress` events.
 */
import { useCallback, useEffect, useState } from 'react'
import { Alert, Button, Checkbox, Group, NumberInput, PasswordInput, Progress, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import type { ArchiveProgress, BackupStatus } from '../../../../../shared/types'
import { api } from '../../../lib/api'
import { useAction } from '../../../lib/useAction'
import { notifyError, notifySuccess } from '../../notifications/store'
import { desktopPickPath, isDesktop, type PathPurpose } from '../../documents/desktop'
import { SettingsCard } from './SettingsCard'

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`
const when = (iso: string): string => new Date(iso).toLocaleString()

function ProgressLine(props: { progress: ArchiveProgress | null; operation: ArchiveProgress['operation'] }): React.JSX.Element | null {
  const p = props.progress
  if (!p || p.operation !== props.operation) return null
  const value = p.total > 0 ? Math.min(100, (100 * p.done) / p.total) : 0
  return (
    <Stack gap={4} aria-live="polite">
      <Progress value={value} size="sm" aria-label={`${props.operation} progress`} />
      <Text size="xs" c="dimmed">
        {p.phase}: {p.detail}
      </Text>
    </Stack>
  )
}

/**
 * A file or folder path. In the desktop app it is chosen in main's own dialog (main then
 * accepts exactly that path; see src/main/core/path-grants.ts) and cannot be typed; in the
 * browser harness it is typed.
 */
function PathField(props: { purpose: PathPurpose; label: string; placeholder: string; value: string; onChange(v: string): void; error?: string | undefined }): React.JSX.Element {
  const desktop = isDesktop()
  const choose = (): void => {
    void desktopPickPath(props.purpose).then(
      (p) => (p ? props.onChange(p) : undefined),
      (err: unknown) => notifyError(err, 'Could not open the dialog')
    )
  }
  return (
    <TextInput
      label={props.label}
      placeholder={desktop ? 'Choose…' : props.placeholder}
      value={props.value}
      readOnly={desktop}
      onClick={desktop ? choose : undefined}
      onChange={(e) => props.onChange(e.currentTarget.value)}
      error={props.error}
      rightSectionWidth={desktop ? 90 : undefined}
      rightSection={
        desktop ? (
          <Button size="compact-sm" variant="default" onClick={choose}>
            Choose…
          </Button>
        ) : undefined
      }
    />
  )
}

export function BackupSettings(): React.JSX.Element {
  const [progress, setProgress] = useState<ArchiveProgress | null>(null)
  useEffect(() => api.on('archives:progress', setProgress), [])

  // Export
  const [exportPath, setExportPath] = useState('')
  const [exportPass, setExportPass] = useState('')
  const [overwrite, setOverwrite] = useState(false)
  const [exported, setExported] = useState<string | null>(null)
  const exportAction = useAction(
    useCallback(async () => {
      setExported(null)
      const r = await api.invoke('profiles:export', { path: exportPath.trim(), overwrite, ...(exportPass ? { passphrase: exportPass } : {}) })
      setExported(`Saved ${mb(r.bytes)} to ${r.path} in ${(r.tookMs / 1000).toFixed(1)} s.`)
      notifySuccess('Profile exported', r.path)
    }, [exportPath, exportPass, overwrite])
  )

  // Import
  const [importPath, setImportPath] = useState('')
  const [importPass, setImportPass] = useState('')
  const [importName, setImportName] = useState('')
  const [imported, setImported] = useState<string | null>(null)
  const importAction = useAction(
    useCallback(async () => {
      setImported(null)
      const p = await api.invoke('profiles:importArchive', {
        path: importPath.trim(),
        ...(importPass ? { passphrase: importPass } : {}),
        ...(importName.trim() ? { name: importName.trim() } : {})
      })
      setImported(`Imported as the profile "${p.name}". Switch to it from the profile menu.`)
      notifySuccess('Profile imported', p.name)
    }, [importPath, importPass, importName])
  )

  // Scheduled backup
  const [status, setStatus] = useState<BackupStatus | null>(null)
  const [folder, setFolder] = useState('')
  const [dailyAt, setDailyAt] = useState('03:00')
  const [keep, setKeep] = useState<number>(7)
  const load = useCallback(async () => {
    const s = await api.invoke('backup:status', {})
    setStatus(s)
    setFolder(s.folder ?? '')
    setDailyAt(s.dailyAt)
    setKeep(s.keep)
  }, [])
  const loadAction = useAction(load)
  useEffect(() => {
    void loadAction.run()
    // Refresh when a backup run ends.
    return api.on('workflows:run', (e) => {
      if (e.name === 'profile.backup' && ['succeeded', 'failed', 'cancelled'].includes(e.status)) void load().catch(() => undefined)
    })
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  const saveAction = useAction(
    useCallback(
      async (on: boolean) => {
        setStatus(await api.invoke('backup:configure', { folder: on ? folder.trim() : null, dailyAt, keep }))
        notifySuccess(on ? `Backups daily at ${dailyAt}` : 'Scheduled backup turned off')
      },
      [folder, dailyAt, keep]
    )
  )
  const runAction = useAction(
    useCallback(async () => {
      await api.invoke('backup:run', {})
      notifySuccess('Backup started', 'It shows on the Workflows screen.')
    }, [])
  )

  return (
    <SettingsCard
      title="Backup and archives"
      description={`An archive (.engram) holds the whole profile: memories, chats, documents and settings, with checksums. ${isDesktop() ? 'Choose where with the Choose… buttons.' : 'Type full paths.'}`}
    >
      <Stack gap="xl">
        <Stack gap="sm">
          <Title order={3} size="h5">
            Export this profile
          </Title>
          <PathField purpose="archive-save" label="Save as" placeholder="/home/me/engram-profile.engram" value={exportPath} onChange={setExportPath} error={exportAction.fields['path']} />
          <PasswordInput
            label="Passphrase (optional)"
            description="Encrypts the archive (AES-256-GCM). Without it, anyone with the file can read it. It cannot be recovered."
            value={exportPass}
            onChange={(e) => setExportPass(e.currentTarget.value)}
            error={exportAction.fields['passphrase']}
          />
          <Checkbox label="Replace the file if it exists" checked={overwrite} onChange={(e) => setOverwrite(e.currentTarget.checked)} />
          <Group>
            <Button onClick={() => void exportAction.run()} loading={exportAction.busy} disabled={!exportPath.trim()}>
              Export
            </Button>
          </Group>
          {exportAction.busy && <ProgressLine progress={progress} operation="export" />}
          {exportAction.error && !exportAction.fields['path'] && !exportAction.fields['passphrase'] && (
            <Alert color="red" variant="light" role="alert">
              {exportAction.error.message}
            </Alert>
          )}
          {exported && <Text size="sm">{exported}</Text>}
        </Stack>

        <Stack gap="sm">
          <Title order={3} size="h5">
            Import an archive as a new profile
          </Title>
          <PathField purpose="archive-open" label="Archive" placeholder="/home/me/engram-profile.engram" value={importPath} onChange={setImportPath} error={importAction.fields['path']} />
          <PasswordInput label="Passphrase (if it is encrypted)" value={importPass} onChange={(e) => setImportPass(e.currentTarget.value)} />
          <TextInput label="Name (optional)" placeholder="The archive's name" value={importName} onChange={(e) => setImportName(e.currentTarget.value)} error={importAction.fields['name']} />
          <Group>
            <Button variant="default" onClick={() => void importAction.run()} loading={importAction.busy} disabled={!importPath.trim()}>
              Import
            </Button>
          </Group>
          {importAction.busy && <ProgressLine progress={progress} operation="import" />}
          {importAction.error && !importAction.fields['path'] && !importAction.fields['name'] && (
            <Alert color="red" variant="light" role="alert">
              {importAction.error.message}
            </Alert>
          )}
          {imported && <Text size="sm">{imported}</Text>}
        </Stack>

        <Stack gap="sm">
          <Title order={3} size="h5">
            Scheduled backup
          </Title>
          <Text size="sm" c="dimmed">
            {status?.folder ? `On: daily at ${status.dailyAt} to ${status.folder}, keeping ${status.keep}.` : 'Off.'} Backups are not encrypted; keep the folder private.
          </Text>
          <PathField purpose="backup-folder" label="Backup folder" placeholder="/home/me/Backups" value={folder} onChange={setFolder} error={saveAction.fields['folder']} />
          <Group grow>
            <TextInput label="Daily at" type="time" value={dailyAt} onChange={(e) => setDailyAt(e.currentTarget.value)} error={saveAction.fields['dailyAt']} />
            <NumberInput label="Keep" min={1} max={365} value={keep} onChange={(v) => setKeep(typeof v === 'number' ? v : Number(v) || 1)} error={saveAction.fields['keep']} />
          </Group>
          <Group>
            <Button onClick={() => void saveAction.run(true)} loading={saveAction.busy} disabled={!folder.trim()}>
              Save schedule
            </Button>
            {status?.folder && (
              <>
                <Button variant="default" onClick={() => void runAction.run()} loading={runAction.busy}>
                  Back up now
                </Button>
                <Button variant="subtle" color="red" onClick={() => void saveAction.run(false)} disabled={saveAction.busy}>
                  Turn off
                </Button>
              </>
            )}
          </Group>
          {(saveAction.error ?? runAction.error ?? loadAction.error) && (
            <Alert color="red" variant="light" role="alert">
              {(saveAction.error ?? runAction.error ?? loadAction.error)?.message}
            </Alert>
          )}
          {status?.lastRun && (
            <Text size="sm" data-testid="last-backup">
              Last backup: {status.lastRun.status} {when(status.lastRun.at)}
              {status.lastRun.bytes !== null ? `, ${mb(status.lastRun.bytes)}` : ''}
              {status.lastRun.error ? ` — ${status.lastRun.error}` : ''}
            </Text>
          )}
          {status && status.backups.length > 0 && (
            <Table striped aria-label="Backups in the folder">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>File</Table.Th>
                  <Table.Th>Size</Table.Th>
                  <Table.Th>Written</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {status.backups.map((b) => (
                  <Table.Tr key={b.path}>
                    <Table.Td>{b.name}</Table.Td>
                    <Table.Td>{mb(b.bytes)}</Table.Td>
                    <Table.Td>{when(b.modifiedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      </Stack>
    </SettingsCard>
  )
}
