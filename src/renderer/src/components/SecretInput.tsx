/**
 * Mantine's PasswordInput, plus `aria-invalid` when it shows an error: Mantine 9.7 sets it
 * on other inputs but not on this one, so screen readers would not hear that it is wrong.
 */
import { PasswordInput, type PasswordInputProps } from '@mantine/core'

export function SecretInput(props: PasswordInputProps & { 'data-autofocus'?: boolean | undefined }): React.JSX.Element {
  return <PasswordInput {...props} aria-invalid={props.error ? true : undefined} />
}
