/**
 * Finds the embedding model on disk, in the documented order: a configured directory
 * (setting, CLI option or ENGRAM_MODEL_DIR), the app's bundled `resources/models`, then
 * the user's model cache. A model directory holds `config.json`, `tokenizer.json` and
 * `onnx/model_quantized.onnx` (the transformers.js layout).
 */
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { appRoot } from '../../core/paths'

export const DEFAULT_MODEL = 'Xenova/all-MiniLM-L6-v2'
export const DEFAULT_DIM = 384

export interface ModelLocation {
  dir: string
  source: 'configured' | 'bundled' | 'cache'
}

export function isModelDir(dir: string): boolean {
  return existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'tokenizer.json')) && existsSync(join(dir, 'onnx', 'model_quantized.onnx'))
}

export function userModelCache(): string {
  return process.env['ENGRAM_MODEL_CACHE'] ?? join(homedir(), '.cache', 'engram', 'models')
}

export function locateModel(opts: { configuredDir?: string | null | undefined; model?: string }): ModelLocation | null {
  const model = opts.model ?? DEFAULT_MODEL
  const configured = opts.configuredDir ?? process.env['ENGRAM_MODEL_DIR']
  if (configured && isModelDir(configured)) return { dir: configured, source: 'configured' }
  const bundled = join(appRoot(), 'resources', 'models', model)
  if (isModelDir(bundled)) return { dir: bundled, source: 'bundled' }
  const cached = join(userModelCache(), model)
  if (isModelDir(cached)) return { dir: cached, source: 'cache' }
  return null
}

export const MODEL_FILES = ['config.json', 'tokenizer.json', join('onnx', 'model_quantized.onnx')] as const

/** Which of the required model files `dir` lacks (all of them when it does not exist). */
export function missingModelFiles(dir: string): string[] {
  return MODEL_FILES.filter((f) => !existsSync(join(dir, f)))
}

export interface ModelCandidate {
  dir: string
  source: ModelLocation['source']
  missing: string[]
}

/**
 * Every place `locateModel` looks, in order, with what each lacks: for telling the user
 * where a model could go when none is found.
 */
export function modelCandidates(opts: { configuredDir?: string | null | undefined; model?: string }): ModelCandidate[] {
  const model = opts.model ?? DEFAULT_MODEL
  const configured = opts.configuredDir ?? process.env['ENGRAM_MODEL_DIR']
  const out: ModelCandidate[] = []
  if (configured) out.push({ dir: configured, source: 'configured', missing: missingModelFiles(configured) })
  for (const [dir, source] of [
    [join(appRoot(), 'resources', 'models', model), 'bundled'],
    [join(userModelCache(), model), 'cache']
  ] as const) {
    out.push({ dir, source, missing: missingModelFiles(dir) })
  }
  return out
}
