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
  loadInfo(): Promise<void>
  applyInfo(info: AppInfo): void
  setCaptureShortcut(accelerator: string | null): Promise<void>
  loadDoctor(): Promise<void>
}

export const useSettingsStore = create<SettingsStore>((set) => ({
  info: null,
  doctor: null,
  doctorError: null,
  doctorLoading: false,
  async loadInfo() {
    set({ info: await api.invoke('app:info', {}) })
  },
  applyInfo(info) {
    set({ info })
  },
  async setCaptureShortcut(accelerator) {
    set({ info: await api.invoke('app:setCaptureShortcut', { accelerator }) })
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
