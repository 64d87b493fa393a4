/**
 * When no embedding model exists: fetch it from the hub into the user's model cache, with
 * a progress bar, and say plainly when the machine is offline (keyword search keeps working).
 */
import { useEffect, useState } from 'react'
import { Button, Group, Progress, Text } from '@mantine/core'
import { api } from '../../../lib/api'
import { useMemoriesStore } from '../store'

export function ModelDownloadButton(): React.JSX.Element | null {
  const state = useMemoriesStore((s) => s.embedding?.state)
  const [busy, setBusy] = useState(false)
  const [progress, setProgress] = useState<{ file: string | null; value: number | null } | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(
    () =>
      api.on('embeddings:download', (p) => {
        setProgress({ file: p.file, value: p.progress })
      }),
    []
  )

  if (state !== 'missing') return null
  const start = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      const info = await api.invoke('embeddings:download', {})
      useMemoriesStore.setState({ embedding: info })
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
      setProgress(null)
    }
  }
  return (
    <Group gap="xs" wrap="nowrap">
      <Button size="compact-sm" variant="light" loading={busy} onClick={() => void start()}>
        Download the embedding model
      </Button>
      {busy && progress && (
        <Progress value={progress.value ?? 0} w={120} aria-label={`Downloading ${progress.file ?? 'the model'}`} />
      )}
      {error && (
        <Text size="xs" c="red" role="alert" maw={360}>
          {error}
        </Text>
      )}
    </Group>
  )
}
