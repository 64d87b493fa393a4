/** A new passphrase and its confirmation, with their errors shown under each field. */
import { PasswordInput, Stack } from '@mantine/core'
import type { PassphraseDraft } from '../passphrase'

export function PassphraseFields(props: {
  value: PassphraseDraft
  onChange(value: PassphraseDraft): void
  errors: { passphrase?: string | undefined; confirm?: string | undefined }
  label?: string
  description?: string
  required?: boolean
  /** Give the first field the dialog's initial focus. */
  autoFocus?: boolean
}): React.JSX.Element {
  const { value, onChange, errors } = props
  const label = props.label ?? 'Passphrase'
  return (
    <Stack gap="sm">
      <PasswordInput
        label={label}
        description={props.description}
        required={props.required}
        autoComplete="new-password"
        data-autofocus={props.autoFocus || undefined}
        value={value.passphrase}
        onChange={(e) => onChange({ ...value, passphrase: e.currentTarget.value })}
        error={errors.passphrase}
      />
      <PasswordInput
        label={`Confirm ${label.toLowerCase()}`}
        required={props.required}
        autoComplete="new-password"
        value={value.confirm}
        onChange={(e) => onChange({ ...value, confirm: e.currentTarget.value })}
        error={errors.confirm}
      />
    </Stack>
  )
}
