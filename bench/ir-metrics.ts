/**
 * Retrieval quality metrics with graded relevance, as the Cranfield README defines them:
 * gain 2^score − 1, log2 discount, nDCG@k averaged over queries (a query with no judged
 * document counts 0 and is left out by the caller).
 */
export type Qrels = Map<string, Map<string, number>>

export function dcg(gains: number[]): number {
  return gains.reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0)
}

/** nDCG@k of one ranked list of document ids against one query's graded judgements. */
export function ndcgAt(k: number, ranked: readonly string[], judged: ReadonlyMap<string, number>): number {
  const gain = (score: number): number => 2 ** score - 1
  const got = ranked.slice(0, k).map((id) => gain(judged.get(id) ?? 0))
  const ideal = [...judged.values()]
    .sort((a, b) => b - a)
    .slice(0, k)
    .map(gain)
  const best = dcg(ideal)
  return best > 0 ? dcg(got) / best : 0
}

/** Recall@k: the share of judged-relevant documents found in the top k. */
export function recallAt(k: number, ranked: readonly string[], judged: ReadonlyMap<string, number>): number {
  if (judged.size === 0) return 0
  const top = new Set(ranked.slice(0, k))
  let n = 0
  for (const id of judged.keys()) if (top.has(id)) n++
  return n / judged.size
}

/** `query-id \t corpus-id \t score` lines after a header (BEIR qrels). */
export function parseQrels(tsv: string): Qrels {
  const q: Qrels = new Map()
  for (const line of tsv.split(/\r?\n/).slice(1)) {
    const [qid, did, s] = line.split('\t')
    if (!qid || !did || s === undefined) continue
    const score = Number(s)
    if (!Number.isFinite(score) || score <= 0) continue
    if (!q.has(qid)) q.set(qid, new Map())
    q.get(qid)?.set(did, score)
  }
  return q
}
