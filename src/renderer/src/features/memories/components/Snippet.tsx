/** A search snippet with its matches highlighted: the server's «…» become <mark>, never HTML. */
import { Mark } from '@mantine/core'
import { splitSnippet } from '../format'

export function Snippet(props: { text: string }): React.JSX.Element {
  return (
    <>
      {splitSnippet(props.text).map((p, i) =>
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
