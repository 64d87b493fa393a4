/**
 * Keyboard events to Electron accelerators ("CommandOrControl+Shift+Space") and back to
 * labels people read. Keys come from `event.code`, so the shortcut does not depend on the
 * keyboard layout's characters.
 */
import { ACCELERATOR_RE } from '../../../shared/contract'
import { isMac } from './platform'

const NAMED: Record<string, string> = {
  Space: 'Space',
  Tab: 'Tab',
  Enter: 'Enter',
  NumpadEnter: 'Enter',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  Escape: 'Escape',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Comma: ',',
  Period: '.',
  Slash: '/',
  Backquote: '`'
}

const MODIFIER_KEYS = new Set(['Control', 'Shift', 'Alt', 'AltGraph', 'Meta', 'OS', 'Hyper', 'Super'])

export type KeyCapture =
  /** Only modifiers so far: what is held, to show while recording. */
  | { kind: 'partial'; modifiers: string[] }
  /** A complete, valid accelerator. */
  | { kind: 'done'; accelerator: string }
  /** A key we cannot use, and why. */
  | { kind: 'invalid'; reason: string }

interface KeyLike {
  key: string
  code: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
}

function modifiersOf(e: KeyLike): string[] {
  const mods: string[] = []
  // CommandOrControl is Cmd on macOS and Ctrl elsewhere; the other one keeps its own name.
  if (isMac ? e.metaKey : e.ctrlKey) mods.push('CommandOrControl')
  if (isMac ? e.ctrlKey : e.metaKey) mods.push(isMac ? 'Control' : 'Super')
  if (e.altKey) mods.push('Alt')
  if (e.shiftKey) mods.push('Shift')
  return mods
}

function keyOf(code: string): string | null {
  let m = /^Key([A-Z])$/.exec(code)
  if (m) return m[1] ?? null
  m = /^Digit([0-9])$/.exec(code)
  if (m) return m[1] ?? null
  m = /^F([0-9]{1,2})$/.exec(code)
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 24) return `F${m[1]}`
  return NAMED[code] ?? null
}

export function captureKey(e: KeyLike): KeyCapture {
  const modifiers = modifiersOf(e)
  if (MODIFIER_KEYS.has(e.key)) return { kind: 'partial', modifiers }
  const key = keyOf(e.code)
  if (!key) return { kind: 'invalid', reason: `${e.key || e.code} cannot be part of a global shortcut. Try a letter, a digit or Space.` }
  if (modifiers.length === 0) return { kind: 'invalid', reason: 'Hold Ctrl, Alt or Shift (or ⌘ on a Mac) together with the key.' }
  const accelerator = [...modifiers, key].join('+')
  if (!ACCELERATOR_RE.test(accelerator)) return { kind: 'invalid', reason: `${accelerator} is not a shortcut Engram can register.` }
  return { kind: 'done', accelerator }
}

const LABELS: Record<string, string> = isMac
  ? { CommandOrControl: '⌘', CmdOrCtrl: '⌘', Command: '⌘', Cmd: '⌘', Control: '⌃', Ctrl: '⌃', Alt: '⌥', Option: '⌥', Shift: '⇧', Super: '⌘', Meta: '⌘' }
  : { CommandOrControl: 'Ctrl', CmdOrCtrl: 'Ctrl', Command: 'Super', Cmd: 'Super', Control: 'Ctrl', Ctrl: 'Ctrl', Option: 'Alt', Super: 'Super', Meta: 'Super' }

/** "CommandOrControl+Shift+Space" → ["Ctrl", "Shift", "Space"] (or ["⌘", "⇧", "Space"] on macOS). */
export function acceleratorKeys(accelerator: string): string[] {
  // A trailing "+" key is written "Plus" in accelerators, so splitting on "+" is safe.
  return accelerator.split('+').map((part) => LABELS[part] ?? part)
}

/** One readable string, e.g. "Ctrl+Shift+Space". */
export const formatAccelerator = (accelerator: string): string => acceleratorKeys(accelerator).join(isMac ? '' : '+')
