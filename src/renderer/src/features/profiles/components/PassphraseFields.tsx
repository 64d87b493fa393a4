/** A new passphrase and its confirmation, with their errors shown under each field. */
import { Stack } from '@mantine/core'
import { SecretInput } from '../../../components/SecretInput'
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
      <SecretInput
        label={label}
        description={props.description}
        required={props.required}
        autoComplete="new-password"
        data-autofocus={props.autoFocus || undefined}
        value={value.passphrase}
        onChange={(e) => onChange({ ...value, passphrase: e.currentTarget.value })}
        error={errors.passphrase}
      />
      <SecretInput
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
