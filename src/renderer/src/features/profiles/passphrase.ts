/** Client-side checks for a new passphrase, mirroring the contract (at least 4 characters). */
export const MIN_PASSPHRASE = 4

export interface PassphraseDraft {
  passphrase: string
  confirm: string
}

/** Errors by field; empty when the draft is fine. `required` false allows leaving both empty. */
export function checkPassphrase(d: PassphraseDraft, required: boolean): { passphrase?: string; confirm?: string } {
  if (!d.passphrase && !d.confirm && !required) return {}
  if (d.passphrase.length < MIN_PASSPHRASE) return { passphrase: `A passphrase needs at least ${MIN_PASSPHRASE} characters.` }
  if (d.passphrase !== d.confirm) return { confirm: 'The two passphrases are not the same.' }
  return {}
}
