/** The profile's active embedding space (`embeddings.active` = { model, dim }): what search embeds queries with and new vectors use. */
import type { Knex } from 'knex'
import type { ActiveEmbedding } from '../../../shared/workflows'

export const ACTIVE_EMBEDDING_KEY = 'embeddings.active'

/** The recorded space, or null when the profile uses the model's own dimension (never re-embedded). */
export async function readActiveEmbedding(db: Knex | Knex.Transaction): Promise<ActiveEmbedding | null> {
  const row = (await db('settings').where({ key: ACTIVE_EMBEDDING_KEY }).first('value')) as { value: unknown } | undefined
  return parseActiveEmbedding(row?.value)
}

/** A stored `embeddings.active` value, checked (null: none, or not a valid space). */
export function parseActiveEmbedding(value: unknown): ActiveEmbedding | null {
  const v = value as Partial<ActiveEmbedding> | null | undefined
  if (!v || typeof v !== 'object' || typeof v.model !== 'string' || typeof v.dim !== 'number' || !Number.isInteger(v.dim) || v.dim < 1) return null
  return { model: v.model, dim: v.dim }
}
