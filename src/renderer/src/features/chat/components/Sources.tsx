/** The sources an answer drew on, by number: each opens where it sits (document passage, memory, earlier chat). */
import { Group, Stack, Text, UnstyledButton } from '@mantine/core'
import { IconBulb, IconFileText, IconMessageCircle } from '@tabler/icons-react'
import type { Citation } from '../../../../../shared/chat'
import { openCitation, SOURCE_LABEL } from '../citations'

const ICON = { memory: IconBulb, document: IconFileText, message: IconMessageCircle }

/** A search snippet with its «matched words» marked. */
function Marked(props: { text: string }): React.JSX.Element {
  const parts = props.text.split(/«([^»]*)»/)
  return <>{parts.map((p, i) => (i % 2 === 1 ? <mark key={i}>{p}</mark> : p))}</>
}

function where(c: Citation): string {
  if (c.source === 'document' && c.page) return `${SOURCE_LABEL.document}, page ${c.page}`
  return SOURCE_LABEL[c.source]
}

export function Sources(props: { citations: Citation[]; messageId: string }): React.JSX.Element | null {
  if (props.citations.length === 0) return null
  const list = [...props.citations].sort((a, b) => a.n - b.n)
  const headingId = `sources-${props.messageId}`
  return (
    <Stack gap={4} component="section" aria-labelledby={headingId} className="engram-sources">
      <Text id={headingId} size="xs" fw={600} c="dimmed" tt="uppercase">
        Sources
      </Text>
      <ol className="engram-source-list">
        {list.map((c) => {
          const Icon = ICON[c.source]
          return (
            <li key={`${c.n}-${c.id}`}>
              <UnstyledButton className="engram-source" onClick={() => openCitation(c)} aria-label={`Open source ${c.n}: ${c.title} (${where(c)})`}>
                <Group gap={8} wrap="nowrap" align="flex-start">
                  <span className="engram-cite" aria-hidden="true">
                    {c.n}
                  </span>
                  <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
                    <Group gap={6} wrap="nowrap">
                      <Icon size={14} stroke={1.6} aria-hidden="true" style={{ flexShrink: 0 }} />
                      <Text size="sm" fw={500} truncate={c.source !== 'memory'} lineClamp={c.source === 'memory' ? 2 : undefined}>
                        {c.title}
                      </Text>
                      <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
                        {where(c)}
                      </Text>
                    </Group>
                    {c.snippet && c.source !== 'memory' && (
                      <Text size="xs" c="dimmed" lineClamp={2}>
                        <Marked text={c.snippet} />
                      </Text>
                    )}
                  </Stack>
                </Group>
              </UnstyledButton>
            </li>
          )
        })}
      </ol>
    </Stack>
  )
}
