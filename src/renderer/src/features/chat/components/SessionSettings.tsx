/**
 * One chat's own settings (`sessions:configure`): a model other than the profile's (from
 * the endpoint's list, or typed), and which documents it may draw from (all, only these,
 * all but these). In a new chat, saving makes the session first.
 */
import { ActionIcon, Autocomplete, Button, Group, Indicator, MultiSelect, Popover, SegmentedControl, Stack, Text, Tooltip } from '@mantine/core'
import { IconAdjustmentsHorizontal } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import type { ChatSession, DocumentScope } from '../../../../../shared/chat'
import type { DocumentSummary } from '../../../../../shared/types'
import { api, toAppError } from '../../../lib/api'
import { notifySuccess } from '../../notifications/store'
import { useLlmStore } from '../llm'
import { openSession } from '../route'
import { useChatStore } from '../store'

type ScopeMode = DocumentScope['mode']

function Form(props: { session: ChatSession | null; onDone(): void }): React.JSX.Element {
  const settings = props.session?.settings ?? {}
  const status = useLlmStore((s) => s.status)
  const models = useLlmStore((s) => s.models)
  const [model, setModel] = useState(settings.model ?? '')
  const [mode, setMode] = useState<ScopeMode>(settings.documents?.mode ?? 'all')
  const [docIds, setDocIds] = useState<string[]>(settings.documents?.documentIds ?? [])
  const [docs, setDocs] = useState<DocumentSummary[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (status?.configured && models === null) useLlmStore.getState().loadModels().catch(() => undefined)
  }, [status?.configured, models])
  useEffect(() => {
    api
      .invoke('documents:list', { limit: 500 })
      .then((page) => setDocs(page.items.filter((d) => d.status === 'ready')))
      .catch((err: unknown) => setError(`Could not list documents: ${toAppError(err).message}`))
  }, [])

  const save = async (): Promise<void> => {
    if (mode !== 'all' && docIds.length === 0) return setError(mode === 'only' ? 'Pick at least one document, or choose All documents.' : 'Pick the documents to leave out, or choose All documents.')
    setBusy(true)
    setError(null)
    try {
      const store = useChatStore.getState()
      let id = props.session?.id
      if (!id) {
        const created = await api.invoke('sessions:create', {})
        id = created.id
        store.scheduleRefresh([id])
      }
      await store.configure(id, { model: model.trim() || null, documents: mode === 'all' ? null : { mode, documentIds: docIds } })
      if (!props.session) openSession(id)
      notifySuccess('Chat settings saved')
      props.onDone()
    } catch (err) {
      setError(toAppError(err).message)
    } finally {
      setBusy(false)
    }
  }

  const docData = (docs ?? []).map((d) => ({ value: d.id, label: d.name }))
  // Keep chosen documents that are no longer listed (archived since) visible by id.
  for (const id of docIds) if (!docData.some((d) => d.value === id)) docData.push({ value: id, label: `(unavailable) ${id.slice(0, 8)}` })

  return (
    <Stack gap="md">
      <Autocomplete
        label="Model for this chat"
        description={status?.model ? `Empty: the profile's model (${status.model}).` : 'Empty: the profile’s model.'}
        placeholder={status?.model ?? 'No chat model configured'}
        data={models ?? []}
        value={model}
        onChange={setModel}
        maxLength={200}
        comboboxProps={{ withinPortal: false }}
        data-autofocus
      />
      <Stack gap={6}>
        <Text size="sm" fw={500}>
          Documents it draws from
        </Text>
        <SegmentedControl
          size="xs"
          value={mode}
          onChange={(v) => setMode(v as ScopeMode)}
          data={[
            { value: 'all', label: 'All' },
            { value: 'only', label: 'Only these' },
            { value: 'exclude', label: 'All except' }
          ]}
          aria-label="Document scope"
        />
        {mode !== 'all' && (
          <MultiSelect
            aria-label={mode === 'only' ? 'Documents to use' : 'Documents to leave out'}
            placeholder={docs === null ? 'Loading documents…' : docs.length === 0 ? 'No documents imported yet' : 'Pick documents'}
            data={docData}
            value={docIds}
            onChange={setDocIds}
            searchable
            clearable
            nothingFoundMessage="No document by that name"
            comboboxProps={{ withinPortal: false }}
            maxDropdownHeight={220}
          />
        )}
      </Stack>
      {error && (
        <Text size="sm" c="red" role="alert">
          {error}
        </Text>
      )}
      <Group justify="flex-end" gap="xs">
        <Button size="xs" variant="default" onClick={props.onDone}>
          Cancel
        </Button>
        <Button size="xs" onClick={() => void save()} loading={busy}>
          Save
        </Button>
      </Group>
    </Stack>
  )
}

/** True when a session has its own model or document scope. */
export const hasOverrides = (s: ChatSession | null): boolean => Boolean(s?.settings.model || s?.settings.documents)

export function SessionSettings(props: { session: ChatSession | null }): React.JSX.Element {
  const [opened, setOpened] = useState(false)
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={340} withArrow shadow="md" trapFocus>
      <Popover.Target>
        <Indicator disabled={!hasOverrides(props.session)} size={8} offset={4} label={undefined}>
          <Tooltip label="Chat settings: model and documents">
            <ActionIcon variant="subtle" color="gray" aria-label="Chat settings" aria-expanded={opened} onClick={() => setOpened((o) => !o)}>
              <IconAdjustmentsHorizontal size={18} />
            </ActionIcon>
          </Tooltip>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown role="dialog" aria-label="Chat settings">
        {opened && <Form session={props.session} onDone={() => setOpened(false)} />}
      </Popover.Dropdown>
    </Popover>
  )
}
