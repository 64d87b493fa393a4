/**
 * Capture on the Memories screen: text, optional topics, type and importance. Each draft
 * carries one idempotency key, so a double submit never makes two memories; the key is
 * renewed once the draft is saved or changed.
 */
import { Button, Group, Kbd, Paper, Select, Slider, Stack, TagsInput, Text, Textarea } from '@mantine/core'
import { IconCheck, IconInfoCircle } from '@tabler/icons-react'
import { useEffect, useRef, useState } from 'react'
import type { CaptureResult } from '../../../../../shared/types'
import { newIdempotencyKey } from '../../../lib/ids'
import { modLabel } from '../../../lib/platform'
import { useAction } from '../../../lib/useAction'
import { formatImportance } from '../format'
import { MEMORY_TYPES } from '../memoryTypes'
import { useMemoriesStore } from '../store'

const DEFAULT_IMPORTANCE = 0.5

export function MemoryComposer(): React.JSX.Element {
  const capture = useMemoriesStore((s) => s.capture)
  const [content, setContent] = useState('')
  const [topics, setTopics] = useState<string[]>([])
  const [type, setType] = useState<string>('note')
  const [importance, setImportance] = useState(DEFAULT_IMPORTANCE)
  const [outcome, setOutcome] = useState<CaptureResult['outcome'] | null>(null)
  const key = useRef<string | null>(null)
  const box = useRef<HTMLTextAreaElement>(null)

  const save = useAction(async () => {
    key.current ??= newIdempotencyKey()
    const result = await capture({ content, topics, type, importance, source: 'app', idempotencyKey: key.current })
    key.current = null
    setOutcome(result.outcome)
    setContent('')
    setTopics([])
    setImportance(DEFAULT_IMPORTANCE)
  })

  // The "Saved" line fades after a few seconds.
  useEffect(() => {
    if (!outcome) return
    const t = setTimeout(() => setOutcome(null), 5000)
    return () => clearTimeout(t)
  }, [outcome])

  const submit = (): void => {
    if (save.busy) return
    void save.run().then((ok) => {
      if (!ok) box.current?.focus()
    })
  }
  const edited = (): void => {
    key.current = null
    setOutcome(null)
    if (save.error) save.reset()
  }
  const general = save.error && Object.keys(save.fields).length === 0 ? save.error.message : null

  return (
    <Paper withBorder radius="lg" p="md" component="section" aria-label="New memory">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          submit()
        }}
      >
        <Stack gap="sm">
          <Textarea
            ref={box}
            aria-label="New memory"
            placeholder="What do you want to remember?"
            autosize
            minRows={2}
            maxRows={8}
            value={content}
            error={save.fields['content']}
            onChange={(e) => {
              setContent(e.currentTarget.value)
              edited()
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault()
                submit()
              }
            }}
          />
          <Group gap="md" align="flex-end" wrap="wrap">
            <TagsInput
              label="Topics"
              size="xs"
              placeholder={topics.length ? '' : 'Add a topic, then Enter'}
              style={{ flex: '1 1 200px' }}
              value={topics}
              onChange={(v) => {
                setTopics(v)
                edited()
              }}
              error={save.fields['topics']}
              clearable
            />
            <Select
              label="Type"
              size="xs"
              w={130}
              data={[...MEMORY_TYPES]}
              value={type}
              onChange={(v) => {
                setType(v ?? 'note')
                edited()
              }}
              error={save.fields['type']}
              allowDeselect={false}
            />
            <Stack gap={4} w={160}>
              <Text size="xs" fw={500} id="composer-importance">
                Importance {formatImportance(importance)}
              </Text>
              <Slider
                aria-labelledby="composer-importance"
                size="sm"
                min={0}
                max={1}
                step={0.1}
                value={importance}
                onChange={(v) => {
                  setImportance(v)
                  edited()
                }}
                label={formatImportance}
              />
            </Stack>
            <Button type="submit" loading={save.busy} ml="auto" rightSection={<Kbd size="xs">{modLabel} ⏎</Kbd>}>
              Save
            </Button>
          </Group>
          {general && (
            <Text size="sm" c="red" role="alert">
              {general}
            </Text>
          )}
          {outcome && (
            <Group gap={6} role="status" c={outcome === 'created' ? 'teal' : 'blue'}>
              {outcome === 'created' ? <IconCheck size={16} /> : <IconInfoCircle size={16} />}
              <Text size="sm" fw={500}>
                {outcome === 'created' ? 'Saved' : 'Already known — refreshed'}
              </Text>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  )
}
