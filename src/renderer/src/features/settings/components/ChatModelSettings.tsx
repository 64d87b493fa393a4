/**
 * Settings → Chat model: the OpenAI-compatible endpoint chat answers come from (base URL,
 * model picked from the endpoint's list or typed, API key), a connection test, a local
 * Ollama offered in one click, and recall mode when nothing is set. The API key is sent
 * once and never shown back: the card says only that one is stored and how it is kept.
 * The usage card (tokens per day per model, recent calls) follows it.
 */
import { ActionIcon, Alert, Anchor, Autocomplete, Badge, Button, Group, Loader, Stack, Text, TextInput, Tooltip } from '@mantine/core'
import { IconCheck, IconKey, IconPlugConnected, IconRefresh, IconX } from '@tabler/icons-react'
import { useEffect, useRef, useState } from 'react'
import type { LlmStatus } from '../../../../../shared/chat'
import { SecretInput } from '../../../components/SecretInput'
import { fieldErrors, toAppError } from '../../../lib/api'
import { useLlmStore } from '../../chat/llm'
import { CHAT_MODEL_HASH } from '../../chat/settingsLink'
import { notifyError, notifySuccess } from '../../notifications/store'
import { UsageSettings } from '../../usage/components/UsageSettings'
import { useUsageStore } from '../../usage/store'
import { SettingsCard } from './SettingsCard'
import { RetryAlert } from '../../../components/RetryAlert'

const KEY_STORAGE: Record<LlmStatus['keyStorage'], string> = {
  safeStorage: 'the system keychain (safeStorage)',
  'local-key': 'a local key file (local-key)',
  none: 'not stored'
}

function OllamaOffer(props: { status: LlmStatus }): React.JSX.Element | null {
  const configure = useLlmStore((s) => s.configure)
  const [busy, setBusy] = useState(false)
  const o = props.status.ollama
  if (!o || props.status.configured) return null
  const model = o.models[0] ?? null
  return (
    <Alert variant="light" color="teal" icon={<IconPlugConnected size={18} />} title="Ollama is running on this computer">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">
          {o.models.length > 0
            ? `It has ${o.models.length} model${o.models.length === 1 ? '' : 's'} (${o.models.slice(0, 4).join(', ')}${o.models.length > 4 ? ', …' : ''}). Answers stay on this computer.`
            : 'It has no models yet: pull one with `ollama pull llama3.2`, then come back.'}
        </Text>
        {model && (
          <Button
            size="xs"
            loading={busy}
            onClick={() => {
              setBusy(true)
              configure({ baseUrl: o.baseUrl, model })
                .then(() => notifySuccess('Chat model set', `${model} through Ollama`))
                .catch((err: unknown) => notifyError(err, 'Could not use Ollama'))
                .finally(() => setBusy(false))
            }}
          >
            Use Ollama ({model})
          </Button>
        )}
      </Stack>
    </Alert>
  )
}

function ChatModelForm(props: { status: LlmStatus }): React.JSX.Element {
  const s = props.status
  const configure = useLlmStore((st) => st.configure)
  const loadModels = useLlmStore((st) => st.loadModels)
  const runTest = useLlmStore((st) => st.runTest)
  const models = useLlmStore((st) => st.models)
  const modelsLoading = useLlmStore((st) => st.modelsLoading)
  const modelsError = useLlmStore((st) => st.modelsError)
  const test = useLlmStore((st) => st.test)
  const [baseUrl, setBaseUrl] = useState(s.baseUrl ?? '')
  const [model, setModel] = useState(s.model ?? '')
  const [apiKey, setApiKey] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [busy, setBusy] = useState<'save' | 'test' | 'remove' | 'off' | null>(null)

  // The endpoint's models, once, when one is configured.
  useEffect(() => {
    if (s.configured && models === null) loadModels().catch(() => undefined)
  }, [s.configured, models, loadModels])

  const dirty = baseUrl.trim() !== (s.baseUrl ?? '') || model.trim() !== (s.model ?? '') || apiKey.trim() !== ''

  const refreshModels = (): void => {
    const url = baseUrl.trim()
    loadModels({ ...(url ? { baseUrl: url } : {}), ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}) }).catch(() => undefined)
  }

  const save = async (): Promise<void> => {
    setBusy('save')
    setErrors({})
    setFormError(null)
    try {
      await configure({ baseUrl: baseUrl.trim() || null, model: model.trim() || null, ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}) })
      setApiKey('')
      notifySuccess('Chat model saved')
    } catch (err) {
      const f = fieldErrors(err)
      setErrors(f)
      if (Object.keys(f).length === 0) setFormError(toAppError(err).message)
    } finally {
      setBusy(null)
    }
  }

  const removeKey = async (): Promise<void> => {
    setBusy('remove')
    try {
      await configure({ baseUrl: s.baseUrl, model: s.model, apiKey: null })
      notifySuccess('API key removed')
    } catch (err) {
      notifyError(err, 'Could not remove the key')
    } finally {
      setBusy(null)
    }
  }

  const turnOff = async (): Promise<void> => {
    setBusy('off')
    try {
      await configure({ baseUrl: null, model: null })
      setBaseUrl('')
      setModel('')
      notifySuccess('Chat model turned off', 'Chat answers in recall mode: the most relevant things you saved.')
    } catch (err) {
      notifyError(err, 'Could not turn the chat model off')
    } finally {
      setBusy(null)
    }
  }

  const runConnectionTest = async (): Promise<void> => {
    setBusy('test')
    try {
      await runTest()
      void useUsageStore.getState().load()
    } catch (err) {
      notifyError(err, 'Could not test the connection')
    } finally {
      setBusy(null)
    }
  }

  return (
    <Stack gap="md">
      <Group gap="xs">
        <Text size="sm" fw={500}>
          Status:
        </Text>
        {s.configured ? (
          <Badge variant="light" color="teal" tt="none" data-testid="llm-status">
            {s.model} at {s.baseUrl}
          </Badge>
        ) : (
          <Badge variant="light" color="gray" tt="none" data-testid="llm-status">
            Not set: chat answers in recall mode
          </Badge>
        )}
      </Group>
      <OllamaOffer status={s} />
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <Stack gap="md">
          <TextInput
            label="Endpoint (base URL)"
            description="Any OpenAI-compatible API: Ollama (http://localhost:11434/v1), LM Studio, llama.cpp, OpenAI, …"
            placeholder="http://localhost:11434/v1"
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.currentTarget.value)}
            error={errors.baseUrl}
            maxLength={500}
            spellCheck={false}
            autoComplete="off"
          />
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <Autocomplete
              label="Model"
              description={modelsError ? `Could not list models: ${modelsError.message}` : 'Pick one the endpoint offers, or type its name.'}
              placeholder="llama3.2"
              data={models ?? []}
              value={model}
              onChange={setModel}
              error={errors.model}
              maxLength={200}
              style={{ flex: 1 }}
              spellCheck={false}
            />
            <Tooltip label="List the endpoint’s models">
              <ActionIcon size={36} variant="default" aria-label="Refresh models" onClick={refreshModels} loading={modelsLoading} disabled={!baseUrl.trim() && !s.configured}>
                <IconRefresh size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
          <Stack gap={6}>
            <SecretInput
              label="API key"
              description={s.hasApiKey ? 'A key is stored. Type a new one to replace it.' : 'Only if the endpoint needs one (local servers usually do not).'}
              placeholder={s.hasApiKey ? 'Stored — type to replace' : 'sk-…'}
              value={apiKey}
              onChange={(e) => setApiKey(e.currentTarget.value)}
              error={errors.apiKey}
              autoComplete="off"
              maxLength={500}
            />
            {s.hasApiKey && (
              <Group gap="xs">
                <Badge variant="light" color="gray" tt="none" leftSection={<IconKey size={12} />} data-testid="llm-key-status">
                  Stored encrypted ({s.keyStorage})
                </Badge>
                <Text size="xs" c="dimmed">
                  Kept in {KEY_STORAGE[s.keyStorage]}; never shown again.
                </Text>
                <Anchor component="button" type="button" size="xs" c="red" onClick={() => void removeKey()} disabled={busy !== null}>
                  Remove key
                </Anchor>
              </Group>
            )}
          </Stack>
          {formError && (
            <Alert color="red" variant="light" role="alert">
              {formError}
            </Alert>
          )}
          <Group gap="sm">
            <Button type="submit" loading={busy === 'save'} disabled={!dirty || (busy !== null && busy !== 'save')}>
              Save
            </Button>
            <Button variant="default" leftSection={<IconPlugConnected size={16} />} onClick={() => void runConnectionTest()} loading={busy === 'test'} disabled={!s.configured || dirty}>
              Test connection
            </Button>
            {s.configured && (
              <Button variant="subtle" color="gray" onClick={() => void turnOff()} loading={busy === 'off'}>
                Use recall mode only
              </Button>
            )}
            {dirty && s.configured && (
              <Text size="xs" c="dimmed">
                Save first to test the new settings.
              </Text>
            )}
          </Group>
        </Stack>
      </form>
      {test && (
        <Alert
          color={test.ok ? 'teal' : 'red'}
          variant="light"
          icon={test.ok ? <IconCheck size={18} /> : <IconX size={18} />}
          title={test.ok ? 'Connected' : 'The connection test failed'}
          role={test.ok ? 'status' : 'alert'}
          data-testid="llm-test-result"
        >
          <Text size="sm">
            {test.message}
          </Text>
        </Alert>
      )}
    </Stack>
  )
}

export function ChatModelSettings(): React.JSX.Element {
  const status = useLlmStore((s) => s.status)
  const error = useLlmStore((s) => s.statusError)
  const ref = useRef<HTMLDivElement>(null)

  useEffect(() => {
    void useLlmStore.getState().loadStatus()
  }, [])

  // Opened from the chat (#/settings/chat-model): bring this section into view once it is drawn.
  useEffect(() => {
    if (status && window.location.hash === CHAT_MODEL_HASH) ref.current?.scrollIntoView({ block: 'start' })
  }, [status])

  return (
    <>
      <div ref={ref} style={{ scrollMarginTop: 80 }}>
        <SettingsCard title="Chat model" description="Where chat answers come from. Without a model, chat still finds what you saved (recall mode).">
          {!status && !error && <Loader size="sm" aria-label="Loading the chat model settings" />}
          {error && (
            <RetryAlert title="Could not load the chat model settings" message={error.message} onRetry={() => void useLlmStore.getState().loadStatus()} gap="xs" />
          )}
          {/* Keyed by what is stored, so the form starts over when it changes elsewhere. */}
          {status && <ChatModelForm key={`${status.baseUrl}|${status.model}|${status.hasApiKey}`} status={status} />}
        </SettingsCard>
      </div>
      <UsageSettings />
    </>
  )
}
