/** A [n] marker in an answer: a small button that opens the cited source (a plain [n] when the answer cites a source it was not given). */
import { Tooltip, UnstyledButton } from '@mantine/core'
import type { Citation } from '../../../../../shared/chat'
import { openCitation, SOURCE_LABEL } from '../citations'

export function CitationChip(props: { n: number; citation: Citation | undefined }): React.JSX.Element {
  const c = props.citation
  if (!c) return <span className="engram-cite-missing">[{props.n}]</span>
  return (
    <Tooltip label={`${SOURCE_LABEL[c.source]}: ${c.title}`} withArrow multiline maw={320}>
      <UnstyledButton
        className="engram-cite"
        data-source={c.source}
        aria-label={`Source ${props.n}: ${c.title}`}
        onClick={() => openCitation(c)}
      >
        {props.n}
      </UnstyledButton>
    </Tooltip>
  )
}
