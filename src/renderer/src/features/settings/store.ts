/**
 * App-wide settings and facts: the quick-capture shortcut (app:info, kept fresh by the
 * 'app:changed' event) and the doctor report shown under About.
 */
import { create } from 'zustand'
import type { AppInfo, DoctorReport } from '../../../../shared/types'
import { api, toAppError } from '../../lib/api'
import type { AppError } from '../../../../shared/errors'

interface SettingsStore {
  info: AppInfo | null
  doctor: DoctorReport | null
  doctorError: AppError | null
  doctorLoading: boolean
  /** The shortcut in use before it was turned off, offered again when it is turned back on. */
  lastCaptureShortcut: string | null
  loadInfo(): Promise<void>
  applyInfo(info: AppInfo): void
  setCaptureShortcut(accelerator: string | null): Promise<void>
  loadDoctor(): Promise<void>
}

export const useSettingsStore = create<SettingsStore>((set, get) => ({
  info: null,
  doctor: null,
  doctorError: null,
  doctorLoading: false,
  lastCaptureShortcut: null,
  async loadInfo() {
    get().applyInfo(await api.invoke('app:info', {}))
  },
  applyInfo(info) {
    const previous = get().info?.captureShortcut
    set(info.captureShortcut === null && previous ? { info, lastCaptureShortcut: previous } : { info })
  },
  async setCaptureShortcut(accelerator) {
    get().applyInfo(await api.invoke('app:setCaptureShortcut', { accelerator }))
  },
  async loadDoctor() {
    set({ doctorLoading: true })
    try {
      set({ doctor: await api.invoke('system:doctor', {}), doctorError: null })
    } catch (err) {
      set({ doctorError: toAppError(err) })
    } finally {
      set({ doctorLoading: false })
    }
  }
}))
