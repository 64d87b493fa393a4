/** Where an answer is while nothing (or not everything) has arrived: the phase and the seconds it has taken so far. */
import { Group, Loader, Text } from '@mantine/core'
import { useNow } from '../../workflows/useNow'
import { elapsedSeconds, PHASE_LABEL } from '../format'
import type { StreamState } from '../store'

export function StreamingStatus(props: { stream: StreamState | undefined }): React.JSX.Element {
  const now = useNow(true, 1000)
  const s = props.stream
  const label = s?.phase ? PHASE_LABEL[s.phase] : 'Answering…'
  const secs = s ? elapsedSeconds(s.startedAt, now) : 0
  return (
    <Group gap="xs" role="status" aria-live="polite" data-testid="answer-phase" data-phase={s?.phase ?? 'unknown'}>
      <Loader size={14} type="dots" aria-hidden="true" />
      <Text size="sm" c="dimmed">
        {label}
        {secs >= 1 && <span className="engram-elapsed"> {secs} s</span>}
      </Text>
    </Group>
  )
}
