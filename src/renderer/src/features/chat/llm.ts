/**
 * The profile's chat model as the renderer sees it (`llm:status`): whether one is set,
 * its endpoint and model, whether a key is stored and how, and a local Ollama to offer.
 * Shared by Settings → Chat model and the session settings' model picker.
 */
import { create } from 'zustand'
import type { LlmStatus, LlmTestResult } from '../../../../shared/chat'
import type { ChannelInput } from '../../../../shared/contract'
import type { AppError } from '../../../../shared/errors'
import { api, toAppError } from '../../lib/api'

interface LlmStore {
  status: LlmStatus | null
  statusError: AppError | null
  /** The configured endpoint's models (null until asked). */
  models: string[] | null
  modelsError: AppError | null
  modelsLoading: boolean
  test: LlmTestResult | null
  loadStatus(): Promise<void>
  /** Lists models of the configured endpoint, or of one being typed in. */
  loadModels(input?: ChannelInput<'llm:models'>): Promise<string[]>
  configure(input: ChannelInput<'llm:configure'>): Promise<LlmStatus>
  runTest(): Promise<LlmTestResult>
  clearTest(): void
}

export const useLlmStore = create<LlmStore>((set, get) => ({
  status: null,
  statusError: null,
  models: null,
  modelsError: null,
  modelsLoading: false,
  test: null,

  async loadStatus() {
    try {
      set({ status: await api.invoke('llm:status', {}), statusError: null })
    } catch (err) {
      set({ statusError: toAppError(err) })
    }
  },

  async loadModels(input = {}) {
    set({ modelsLoading: true })
    try {
      const models = await api.invoke('llm:models', input)
      set({ models, modelsError: null })
      return models
    } catch (err) {
      set({ modelsError: toAppError(err) })
      throw err
    } finally {
      set({ modelsLoading: false })
    }
  },

  async configure(input) {
    const status = await api.invoke('llm:configure', input)
    set({ status, statusError: null, test: null })
    return status
  },

  async runTest() {
    const test = await api.invoke('llm:test', {})
    set({ test })
    if (test.ok && test.models.length > 0) set({ models: test.models, modelsError: null })
    void get().loadStatus()
    return test
  },

  clearTest() {
    set({ test: null })
  }
}))
