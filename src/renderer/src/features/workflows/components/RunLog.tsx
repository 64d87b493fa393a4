/**
 * A run's log lines, oldest first, with their level coloured and the step they came from.
 * It follows new lines while scrolled to the bottom, and stays put when the reader scrolled up.
 */
import { Badge, Text } from '@mantine/core'
import { useEffect, useLayoutEffect, useRef } from 'react'
import type { WorkflowLog, WorkflowStepInfo } from '../../../../../shared/workflows'
import { formatFull, formatWhen, humanize, LEVEL_COLOR } from '../format'

/**
 * The message with the step it is about in words: the runner's own `"parse"` at its start
 * becomes "Parse"; other messages get the step's name in front.
 */
function LogMessage(props: { message: string; step: string | undefined }): React.JSX.Element {
  const quoted = props.step ? `"${props.step}"` : null
  const own = quoted !== null && props.message.startsWith(quoted)
  return (
    <span className="engram-log-message">
      {props.step && (
        <Text component="span" size="xs" c="dimmed">
          {own ? humanize(props.step) : `${humanize(props.step)}: `}
        </Text>
      )}
      {own && quoted ? props.message.slice(quoted.length) : props.message}
    </span>
  )
}

export function RunLog(props: { logs: WorkflowLog[]; steps: WorkflowStepInfo[] }): React.JSX.Element {
  const box = useRef<HTMLOListElement>(null)
  const atBottom = useRef(true)
  const steps = new Map(props.steps.map((s) => [s.id, s.name]))

  useLayoutEffect(() => {
    const el = box.current
    if (el && atBottom.current) el.scrollTop = el.scrollHeight
  }, [props.logs])

  useEffect(() => {
    const el = box.current
    if (!el) return
    const onScroll = (): void => {
      atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 8
    }
    el.addEventListener('scroll', onScroll, { passive: true })
    return () => el.removeEventListener('scroll', onScroll)
  }, [])

  if (props.logs.length === 0)
    return (
      <Text size="sm" c="dimmed">
        Nothing logged yet.
      </Text>
    )

  return (
    // Focusable, so the keyboard can scroll it.
    <ol ref={box} className="engram-run-log" role="log" aria-label="Run log" tabIndex={0}>
      {props.logs.map((l) => (
        <li key={l.id} className="engram-log-line" data-level={l.level}>
          <Text component="span" size="xs" c="dimmed" title={formatFull(l.createdAt)}>
            {formatWhen(l.createdAt)}
          </Text>
          <Badge size="xs" variant="light" color={LEVEL_COLOR[l.level]} w={52}>
            {l.level}
          </Badge>
          <LogMessage message={l.message} step={l.stepId ? steps.get(l.stepId) : undefined} />
        </li>
      ))}
    </ol>
  )
}
