/** The chunking half of the Documents import: see chunker.ts. */
export { chunkText, type Chunk, type ChunkOptions, type ChunkableDocument } from './chunker'
