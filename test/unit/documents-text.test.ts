/**
 * The text side of parsing, on small made-up inputs: decoding, sanitizing, mojibake repair,
 * the HTML walker, CSV rows, Markdown headings.
 */
import { describe, expect, it } from 'vitest'
import { decodeBytes, declaredCharset, repairMojibake, sanitizeText } from '../../src/main/features/documents/parsing/encoding'
import { htmlFragmentToText, htmlToText } from '../../src/main/features/documents/parsing/html'
import { TextBuilder } from '../../src/main/features/documents/parsing/text-builder'
import { csvToText } from '../../src/main/features/documents/parsing/csv'
import { markdownStructure } from '../../src/main/features/documents/parsing/markdown'

describe('decodeBytes', () => {
  it('follows the BOM', () => {
    expect(decodeBytes(Buffer.from('\uFEFFcafé', 'utf8'))).toEqual({ text: 'café', encoding: 'utf-8' })
    expect(decodeBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('können', 'utf16le')]))).toEqual({ text: 'können', encoding: 'utf-16le' })
    const be = Buffer.from('können', 'utf16le').swap16()
    expect(decodeBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual({ text: 'können', encoding: 'utf-16be' })
  })

  it('reads valid UTF-8 as UTF-8 and falls back to Windows-1252 for Western text', () => {
    expect(decodeBytes(Buffer.from('15,50 € – dépend', 'utf8')).encoding).toBe('utf-8')
    const cp1252 = Buffer.from([0x31, 0x35, 0x2c, 0x35, 0x30, 0x20, 0x80, 0x20, 0x64, 0xe9, 0x70, 0x65, 0x6e, 0x64]) // "15,50 € dépend"
    expect(decodeBytes(cp1252)).toEqual({ text: '15,50 € dépend', encoding: 'windows-1252', guessed: true })
    expect(decodeBytes(Buffer.from('## können\n\nkönnen\n\näöüß\n', 'latin1')).text).toBe('## können\n\nkönnen\n\näöüß\n')
  })

  it('honours a declared charset and finds it in HTML and XML', () => {
    expect(declaredCharset(Buffer.from('<html><head><meta charset="windows-1252">'))).toBe('windows-1252')
    expect(declaredCharset(Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'))).toBe('ISO-8859-1')
    expect(declaredCharset(Buffer.from('<?xml version="1.0" encoding="UTF-8"?>'))).toBe('UTF-8')
    expect(decodeBytes(Buffer.from([0xe9]), 'iso-8859-1').text).toBe('é')
  })
})

describe('sanitizeText and repairMojibake', () => {
  it('normalizes line ends and drops NUL and other control characters', () => {
    expect(sanitizeText('\uFEFFa\r\nb\rc\u0000d\u0007e\tf\fg')).toEqual({ text: 'a\nb\ncde\tf\n\ng', removedControls: 2 })
    expect(sanitizeText('x\uD800y').text).toBe('x\uFFFDy')
  })

  it('repairs UTF-8 read as Latin-1 only when the text shows it', () => {
    const broken = 'the 1985â\u0080\u009386 season, the 1990â\u0080\u009391 season, for Â£275,000 in 1993â\u0080\u009394'
    expect(repairMojibake(broken)).toEqual({ text: 'the 1985–86 season, the 1990–91 season, for £275,000 in 1993–94', repaired: 4 })
    // Real Latin-1 letters next to each other are left alone.
    expect(repairMojibake('CÂMARA, Ã©tÃ© once').repaired).toBe(0)
  })
})

describe('HTML to text', () => {
  it('keeps tables as rows, lists as items, and headings as sections', () => {
    const b = new TextBuilder()
    htmlFragmentToText(
      '<h1>Title</h1><p>Above</p><table><tr><td><p>Top left</p></td><td>Top right</td></tr><tr><td>Bottom left</td><td>Bottom right</td></tr></table>' +
        '<ul><li>one</li><li>two <b>bold</b></li></ul><ol start="3"><li><p>three</p></li></ol><pre>\n  keep\n    this</pre><h2>Next   part</h2><p>a<br>b</p>',
      b
    )
    const text = b.finish()
    expect(text).toBe('Title\n\nAbove\n\nTop left | Top right\nBottom left | Bottom right\n\n- one\n- two bold\n\n3. three\n\n  keep\n    this\n\nNext part\n\na\nb')
    expect(b.sections).toEqual([
      { heading: 'Title', level: 1, start: 0 },
      { heading: 'Next part', level: 2, start: text.indexOf('Next part') }
    ])
  })

  it('drops scripts, styles, navigation and footers from a page', () => {
    const html = `<!doctype html><html><head><title>My page</title><style>body{}</style><script>var secret = 1</script></head>
      <body><nav><a href="/">Home</a><a href="/about">About</a></nav>
      <article><h1>My page</h1><p>${'The main content of this page is about rivers and the towns along them. '.repeat(8)}</p>
      <p>${'Rivers carry water, sediment and boats from the hills to the sea. '.repeat(8)}</p></article>
      <footer>Copyright nobody</footer><script>track()</script></body></html>`
    const r = htmlToText(html)
    expect(r.title).toBe('My page')
    expect(r.text).toContain('rivers and the towns')
    expect(r.text).not.toMatch(/secret|track\(|Copyright|About/)
  })
})

describe('csvToText', () => {
  it('turns rows into "Header: value" lines and finds a title row', () => {
    const r = csvToText('Stanley Cups,,\r\nTeam,Location,Stanley Cups\r\nBlues,STL,1\r\nFlyers,PHI,2\r\n', 'cups.csv')
    expect(r.title).toBe('Stanley Cups')
    expect(r.text).toBe('Stanley Cups\n\nTeam: Blues; Location: STL; Stanley Cups: 1\nTeam: Flyers; Location: PHI; Stanley Cups: 2')
  })

  it('sniffs ; as the delimiter, keeping commas inside fields', () => {
    const r = csvToText('name;city;note\nAnn;Paris;"likes bread, cheese"\nBo;Oslo;skis, a lot\n', 'x.csv')
    expect(r.delimiter).toBe(';')
    expect(r.text).toBe('name: Ann; city: Paris; note: likes bread, cheese\nname: Bo; city: Oslo; note: skis, a lot')
  })
})

describe('markdownStructure', () => {
  it('finds headings outside code fences, with exact offsets, and the front matter title', () => {
    const md = '---\ntitle: "The Guide"\n---\n\n# One\n\ntext\n\n```sh\n# not a heading\n```\n\nSetext\n------\n\n## Two *em* [link](x)\n'
    const s = markdownStructure(md)
    expect(s.title).toBe('The Guide')
    expect(s.sections.map((x) => [x.heading, x.level])).toEqual([
      ['One', 1],
      ['Setext', 2],
      ['Two em link', 2]
    ])
    for (const x of s.sections) expect(md.slice(x.start)).toMatch(/^(# One|Setext|## Two)/)
  })
})
