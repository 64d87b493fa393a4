/** The way from the chat to Settings → Chat model: `#/settings/chat-model` opens Settings scrolled to that section. */
export const CHAT_MODEL_HASH = '#/settings/chat-model'
export const CHAT_MODEL_SECTION_ID = 'settings-chat-model'

export function openChatModelSettings(): void {
  window.location.hash = CHAT_MODEL_HASH
}
