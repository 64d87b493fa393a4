/**
 * Start a background workflow by hand (`workflows:start`): consolidation, the daily digest,
 * tiering, maintenance, the idle-chat archive, and a re-embed, which first asks for the
 * model and dimension and says what it will do. The new run opens in the detail panel.
 */
import { Button, Group, Menu, Modal, Select, Stack, Text } from '@mantine/core'
import { IconChevronDown, IconPlayerPlay } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import type { ChannelInput } from '../../../../../shared/contract'
import type { EmbeddingStatusInfo } from '../../../../../shared/types'
import { api } from '../../../lib/api'
import { notifyError, notifySuccess } from '../../notifications/store'
import { workflowLabel } from '../format'
import { useWorkflowsStore } from '../store'

type StartInput = ChannelInput<'workflows:start'>

const SIMPLE: Array<{ name: Exclude<StartInput['name'], 'embeddings.reembed'>; label: string; hint: string }> = [
  { name: 'memories.consolidate', label: 'Consolidate memories', hint: 'Merge near-duplicates; the originals go to the archive (undo from the run).' },
  { name: 'digest.daily', label: 'Write yesterday’s digest', hint: 'A summary of yesterday’s memories and chats.' },
  { name: 'memories.tiering', label: 'Re-evaluate tiers', hint: 'Hot, warm or cold from importance and use.' },
  { name: 'maintenance', label: 'Database maintenance', hint: 'Merge index lists, vacuum, check indexes.' },
  { name: 'sessions.auto_archive', label: 'Archive idle chats', hint: 'Uses the sessions.auto_archive_days setting (off unless set).' }
]

async function startRun(input: StartInput): Promise<void> {
  try {
    const run = await api.invoke('workflows:start', input)
    notifySuccess(`${workflowLabel(run.name)} started`, 'Its progress shows in the list.')
    const store = useWorkflowsStore.getState()
    store.scheduleRefresh(true)
    void store.open(run.id)
  } catch (err) {
    notifyError(err, `Could not start ${workflowLabel(input.name).toLowerCase()}`)
  }
}

function ReembedModal(props: { opened: boolean; onClose: () => void }): React.JSX.Element {
  const [status, setStatus] = useState<EmbeddingStatusInfo | null>(null)
  const [dim, setDim] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (!props.opened) return
    let live = true
    api
      .invoke('embeddings:status', {})
      .then((s) => live && setStatus(s))
      .catch((err: unknown) => notifyError(err, 'Could not read the embedding model'))
    return () => {
      live = false
    }
  }, [props.opened])
  const native = status?.dim ?? null
  const options = native ? [native, 256, 128, 64].filter((d, i, a) => d <= native && a.indexOf(d) === i).map((d) => ({ value: String(d), label: d === native ? `${d} (the model’s own)` : `${d} (smaller, faster)` })) : []
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title="Re-embed everything"
    >
      <Stack gap="md">
        <Text size="sm">
          Every memory, document passage and chat message gets a new vector. Search keeps working the whole time and switches to the new vectors in one step at the end.
        </Text>
        <Select label="Model" data={status ? [{ value: status.model, label: status.model }] : []} value={status?.model ?? null} disabled description="Only the loaded model can embed." />
        <Select
          label="Dimensions"
          aria-label="Dimensions"
          placeholder={native ? 'Choose' : 'Loading…'}
          data={options}
          value={dim}
          onChange={setDim}
          description="Fewer dimensions use less space and search faster, for models trained for it (Matryoshka)."
          comboboxProps={{ withinPortal: true }}
        />
        {status?.state === 'missing' && (
          <Text size="sm" c="red">
            No embedding model is available, so nothing can be re-embedded.
          </Text>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={props.onClose} disabled={busy}>
            Cancel
          </Button>
          <Button
            disabled={!dim || !status}
            loading={busy}
            onClick={() => {
              if (!dim || !status) return
              setBusy(true)
              void startRun({ name: 'embeddings.reembed', input: { dim: Number(dim), model: status.model } }).finally(() => {
                setBusy(false)
                setDim(null)
                props.onClose()
              })
            }}
          >
            Re-embed
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

export function StartWorkflowMenu(): React.JSX.Element {
  const [reembed, setReembed] = useState(false)
  return (
    <>
      <Menu position="bottom-end" withinPortal shadow="md" width={320}>
        <Menu.Target>
          <Button size="xs" variant="light" leftSection={<IconPlayerPlay size={14} />} rightSection={<IconChevronDown size={14} />}>
            Start
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Start a workflow now</Menu.Label>
          {SIMPLE.map((w) => (
            <Menu.Item key={w.name} onClick={() => void startRun({ name: w.name })}>
              <Text size="sm">{w.label}</Text>
              <Text size="xs" c="dimmed">
                {w.hint}
              </Text>
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item onClick={() => setReembed(true)}>
            <Text size="sm">Re-embed everything…</Text>
            <Text size="xs" c="dimmed">
              Move all vectors to another model or dimension.
            </Text>
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ReembedModal opened={reembed} onClose={() => setReembed(false)} />
    </>
  )
}
