/** A search hit with its matches highlighted: the server's «…» become <mark>, never HTML. */
import { Mark } from '@mantine/core'
import { highlightParts } from '../format'

export function Snippet(props: { text: string; snippet: string }): React.JSX.Element {
  return (
    <>
      {highlightParts(props.text, props.snippet).map((p, i) =>
        p.marked ? (
          <Mark key={i} color="yellow">
            {p.text}
          </Mark>
        ) : (
          <span key={i}>{p.text}</span>
        )
      )}
    </>
  )
}
