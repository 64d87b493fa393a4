/**
 * CSV through Papa Parse (quoted fields, embedded newlines, delimiter sniffing among
 * , ; tab and |). Each row becomes one readable line that carries its headers,
 * "Team: Blues; Location: STL; Stanley Cups: 1", so that a chunk of rows still says what
 * each value is. A title row above the header (one filled cell, then a wider row) becomes
 * the title.
 */
import Papa from 'papaparse'

export interface CsvText {
  text: string
  title?: string
  delimiter: string
  rows: number
  warnings: string[]
}

const filled = (row: string[]): number => row.filter((c) => c.trim() !== '').length

export function csvToText(input: string, fileName: string): CsvText {
  const tsv = /\.tsv$/i.test(fileName)
  const parsed = Papa.parse<string[]>(input, {
    delimiter: tsv ? '\t' : '',
    delimitersToGuess: [',', ';', '\t', '|'],
    skipEmptyLines: 'greedy'
  })
  const rows = parsed.data.filter((r) => Array.isArray(r) && filled(r) > 0)
  const warnings: string[] = []
  let title: string | undefined
  let headerAt = 0
  const first = rows[0]
  const second = rows[1]
  if (first && second && filled(first) === 1 && filled(second) >= 2 && first.length >= 1) {
    title = first.find((c) => c.trim() !== '')?.trim()
    headerAt = 1
  }
  const header = (rows[headerAt] ?? []).map((h, i) => h.replace(/\s+/g, ' ').trim() || `Column ${i + 1}`)
  const lines: string[] = []
  let irregular = 0
  for (let r = headerAt + 1; r < rows.length; r++) {
    const row = rows[r] as string[]
    if (row.length !== header.length) irregular++
    const cells: string[] = []
    for (let i = 0; i < row.length; i++) {
      const v = (row[i] ?? '').replace(/\s+/g, ' ').trim()
      if (v) cells.push(`${header[i] ?? `Column ${i + 1}`}: ${v}`)
    }
    if (cells.length) lines.push(cells.join('; '))
  }
  if (irregular > 0) warnings.push(`csv_irregular_rows: ${irregular} rows have a different number of fields than the header.`)
  const body = lines.length ? lines.join('\n') : header.join('; ')
  const text = title ? `${title}\n\n${body}` : body
  return { text, ...(title ? { title } : {}), delimiter: parsed.meta.delimiter, rows: lines.length, warnings }
}
