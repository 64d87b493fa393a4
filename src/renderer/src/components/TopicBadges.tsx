/** A memory's first few topics as badges, then "+N" for the rest (the memory list and the Archive). */
import { Badge, Text } from '@mantine/core'

export function TopicBadges(props: { topics: string[]; max: number; style?: React.CSSProperties }): React.JSX.Element {
  const extra = props.topics.length - props.max
  return (
    <>
      {props.topics.slice(0, props.max).map((t) => (
        <Badge key={t} size="xs" variant="light" color="gray" tt="none" style={props.style}>
          #{t}
        </Badge>
      ))}
      {extra > 0 && (
        <Text size="xs" c="dimmed">
          +{extra}
        </Text>
      )}
    </>
  )
}
