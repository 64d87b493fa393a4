/** About: what `engram doctor` reports, for the open profile (system:doctor). */
import { Alert, Badge, Button, Code, Group, Loader, Stack, Table, Text } from '@mantine/core'
import { IconRefresh } from '@tabler/icons-react'
import { useEffect } from 'react'
import type { DoctorReport } from '../../../../../shared/types'
import { useProfilesStore } from '../../profiles/store'
import { useSettingsStore } from '../store'
import { SettingsCard } from './SettingsCard'

const EMBEDDING_BADGE = {
  ready: { color: 'teal', label: 'Ready' },
  not_loaded: { color: 'blue', label: 'Found, loads on first use' },
  missing: { color: 'yellow', label: 'Missing' }
} as const

/** "PostgreSQL 18.6 on x86_64-pc-linux-gnu, compiled by …" → "PostgreSQL 18.6". */
const shortVersion = (v: string): string => v.split(' on ')[0] ?? v

function rows(r: DoctorReport): Array<[string, React.ReactNode]> {
  const out: Array<[string, React.ReactNode]> = [
    ['Version', `Engram ${r.app.version} (${r.app.mode}, Node ${r.app.node}, ${r.app.platform})`],
    [
      'Database engine',
      r.engine ? (r.engine.kind === 'pglite' ? 'PGlite, embedded in Engram' : `PostgreSQL server (${r.engine.location})`) : 'No profile is open'
    ],
    ['PostgreSQL', r.postgres ? <span title={r.postgres.version}>{shortVersion(r.postgres.version)}</span> : '—'],
    ['pgvector', r.pgvector?.version ?? (r.engine ? 'Not installed' : '—')],
    ['pg_trgm', r.pgTrgm?.version ?? (r.engine ? 'Not installed' : '—')],
    [
      'Migrations',
      r.migrations
        ? `${r.migrations.applied} of ${r.migrations.total} applied${r.migrations.pending.length ? ` (pending: ${r.migrations.pending.join(', ')})` : ''}`
        : '—'
    ],
    ['Data folder', <Code key="d">{r.dataDir}</Code>]
  ]
  if (r.profile) out.push(['Profile folder', <Code key="p">{r.profile.dataDir}</Code>])
  const e = r.embedding
  out.push([
    'Embedding model',
    <Stack gap={4} key="e">
      <Group gap="xs">
        <Badge variant="light" color={EMBEDDING_BADGE[e.status].color}>
          {EMBEDDING_BADGE[e.status].label}
        </Badge>
        {e.model && (
          <Text size="sm">
            {e.model}
            {e.dim ? ` (${e.dim} dimensions)` : ''}
          </Text>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {e.note}
      </Text>
    </Stack>
  ])
  return out
}

export function AboutSettings(): React.JSX.Element {
  const doctor = useSettingsStore((s) => s.doctor)
  const error = useSettingsStore((s) => s.doctorError)
  const loading = useSettingsStore((s) => s.doctorLoading)
  const load = useSettingsStore((s) => s.loadDoctor)
  const activeId = useProfilesStore((s) => s.state?.activeId ?? null)

  useEffect(() => {
    void load()
  }, [load, activeId])

  return (
    <SettingsCard title="About" description="What this installation runs on.">
      {error && (
        <Alert color="red" variant="light" role="alert">
          {error.message}
        </Alert>
      )}
      {!doctor && loading && <Loader size="sm" aria-label="Loading system information" />}
      {doctor && (
        <Table variant="vertical" layout="fixed" withTableBorder={false} verticalSpacing="sm" aria-label="System information">
          <Table.Tbody>
            {rows(doctor).map(([label, value]) => (
              <Table.Tr key={label}>
                <Table.Th w={180} scope="row">
                  {label}
                </Table.Th>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{value}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group>
        <Button variant="default" leftSection={<IconRefresh size={16} />} loading={loading} onClick={() => void load()}>
          Check again
        </Button>
      </Group>
    </SettingsCard>
  )
}
