/** The one place the profile dialogs are mounted; which one is open lives in useProfileDialogs. */
import { useProfileDialogs } from '../store'
import { CreateProfileModal } from './CreateProfileModal'
import { DeleteProfileModal } from './DeleteProfileModal'
import { PassphraseModal } from './PassphraseModal'
import { RenameProfileModal } from './RenameProfileModal'
import { UnlockProfileModal } from './UnlockProfileModal'

export function ProfileDialogs(): React.JSX.Element | null {
  const dialog = useProfileDialogs((s) => s.dialog)
  const close = useProfileDialogs((s) => s.close)
  if (!dialog) return null
  switch (dialog.kind) {
    case 'create':
      return <CreateProfileModal onClose={close} />
    case 'rename':
      return <RenameProfileModal profile={dialog.profile} onClose={close} />
    case 'delete':
      return <DeleteProfileModal profile={dialog.profile} onClose={close} />
    case 'unlock':
      return <UnlockProfileModal profile={dialog.profile} onClose={close} />
    case 'passphrase':
      return <PassphraseModal profile={dialog.profile} mode={dialog.mode} onClose={close} />
  }
}
