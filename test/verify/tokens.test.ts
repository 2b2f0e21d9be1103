// The replay's token counter (src/verify/tokens.ts) against the node's metering (protocol/units.ts
// countTokens, one regex match per token) and against counts made by hand: ASCII, Latin letters
// with diacritics, combining marks, digits of other scripts, astral letters, emoji, lone surrogates.
import { describe, expect, it } from 'vitest'
import { countTokens } from '../../src/protocol/units'
import { countInputTokens } from '../../src/verify/tokens'
import { loadCorpus } from '../../src/content/corpus'

describe('the replay counts tokens as the node meters them', () => {
  it('counts by hand', () => {
    const cases: [string, number][] = [
      ['', 0],
      ['hello world', 2],
      ['a_b-c.d', 4],
      ['café über', 2],
      // e + combining acute (a mark, not a letter): the mark ends the token
      ['cafe\u0301 bar', 2],
      ['x² ½ ٣٤', 3],
      ['𝐀𝐁c 😀 d', 2],
      ['a\ud800b', 2],
      ['\udc00\ud800', 0],
      ['  leading and trailing  ', 3],
      ['日本語テキスト', 1],
    ]
    for (const [text, n] of cases) expect([text, countInputTokens(text)]).toEqual([text, n])
  })

  it('equals countTokens over the corpus and over random strings of mixed code points', () => {
    for (const e of loadCorpus().slice(0, 2000)) expect(countInputTokens(e.text)).toBe(countTokens(e.text))
    const pool = ['a', 'Z', '7', ' ', '\n', '-', 'é', '\u0301', 'ß', '²', '½', '٣', 'Ⅻ', '日', '\u00a0', '\ud835\udc00', '\ud83d\ude00', '\ud800', '\udc00', '\u200b', 'ǅ', '〇']
    let seed = 12345
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    for (let i = 0; i < 3000; i++) {
      let s = ''
      for (let k = rand(40); k > 0; k--) s += pool[rand(pool.length)]
      expect([s, countInputTokens(s)]).toEqual([s, countTokens(s)])
    }
  })
})
