// Token counting for the replay's metering: the same count as protocol/units.ts countTokens (a
// token is a maximal run of \p{L} or \p{N} code points), in one pass over the string's code
// units with a table for ASCII and a per-code-point cache for the rest, instead of one regex call
// per token (token counting was 11% of an index replay in a profile of the verify bench). The
// node meters with countTokens; test/verify/tokens.test.ts holds the two equal.
const WORD = /^[\p{L}\p{N}]$/u

/** ASCII letters and digits */
const ASCII = new Uint8Array(128)
for (let c = 0; c < 128; c++) ASCII[c] = WORD.test(String.fromCharCode(c)) ? 1 : 0
/** per BMP code point: 0 not yet classified, 1 letter or digit, 2 neither */
const BMP = new Uint8Array(0x10000)
const ASTRAL = new Map<number, boolean>()

function bmpWord(c: number): boolean {
  let v = BMP[c]
  if (v === 0) BMP[c] = v = WORD.test(String.fromCharCode(c)) ? 1 : 2
  return v === 1
}

function astralWord(cp: number): boolean {
  let v = ASTRAL.get(cp)
  if (v === undefined) ASTRAL.set(cp, (v = WORD.test(String.fromCodePoint(cp))))
  return v
}

export function countInputTokens(text: string): number {
  let n = 0
  let inToken = false
  const len = text.length
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i)
    let word: boolean
    if (c < 128) word = ASCII[c] === 1
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // a surrogate pair is one code point (the regex's /u); a lone surrogate is neither letter nor digit
      word = astralWord(((c - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00) + 0x10000)
      i++
    } else word = bmpWord(c)
    if (word) {
      if (!inToken) n++
      inToken = true
    } else inToken = false
  }
  return n
}
