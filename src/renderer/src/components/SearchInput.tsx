/**
 * The search box of the Memories, Documents and Chat screens: a search icon (a spinner while
 * `busy`), a clear button once there is a query, Escape clears it, and with `onArrowDown`
 * the Down key goes on into the results.
 */
import { CloseButton, Loader, TextInput, type TextInputProps } from '@mantine/core'
import { IconSearch } from '@tabler/icons-react'

export type SearchInputProps = Omit<TextInputProps, 'type' | 'value' | 'onChange' | 'onKeyDown' | 'leftSection' | 'rightSection'> & {
  value: string
  onChange(value: string): void
  busy?: boolean
  onArrowDown?(): void
  /** Shown at the right while the box is empty (a key hint). */
  emptyHint?: React.ReactNode
}

export function SearchInput({ value, onChange, busy, onArrowDown, emptyHint, ...rest }: SearchInputProps): React.JSX.Element {
  return (
    <TextInput
      {...rest}
      type="search"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && value) {
          e.preventDefault()
          onChange('')
        }
        if (e.key === 'ArrowDown' && onArrowDown) {
          e.preventDefault()
          onArrowDown()
        }
      }}
      leftSection={busy ? <Loader size={14} aria-hidden="true" /> : <IconSearch size={16} aria-hidden="true" />}
      rightSection={value ? <CloseButton size="sm" aria-label="Clear search" onClick={() => onChange('')} /> : emptyHint}
    />
  )
}
