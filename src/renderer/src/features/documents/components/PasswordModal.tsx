/** Asks for the password of an encrypted PDF and imports it again with it (kept in memory for that import only). */
import { Button, Group, Modal, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import { SecretInput } from '../../../components/SecretInput'
import { retryImport } from '../actions'
import { useDocumentsStore } from '../store'

export function PasswordModal(): React.JSX.Element {
  const id = useDocumentsStore((s) => s.passwordForId)
  const name = useDocumentsStore((s) => s.items.find((d) => d.id === s.passwordForId)?.name ?? 'this PDF')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const close = (): void => {
    setPassword('')
    useDocumentsStore.getState().askPassword(null)
  }

  return (
    <Modal opened={id !== null} onClose={close} title="Open a protected PDF">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (!id || !password) return
          setBusy(true)
          void retryImport(id, password).then((ok) => {
            setBusy(false)
            if (ok) close()
          })
        }}
      >
        <Stack gap="md">
          <Text size="sm">
            <Text span fw={600} style={{ overflowWrap: 'anywhere' }}>
              {name}
            </Text>{' '}
            is protected with a password. Engram uses it to read the text once and does not keep it.
          </Text>
          <SecretInput label="PDF password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} data-autofocus autoComplete="off" />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!password}>
              Import
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
