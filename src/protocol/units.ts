// Metering: an inference is billed in units = input tokens + output tokens. A token is a maximal
// run of letters or digits (Unicode-aware); the answer is one label token.
const TOKEN = /[\p{L}\p{N}]+/gu

export function countTokens(text: string): number {
  let n = 0
  for (const _ of text.matchAll(TOKEN)) n++
  return n
}

export const OUTPUT_TOKENS = 1
