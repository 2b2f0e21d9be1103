// Application logging (pino): JSON lines on stderr, level from LOG_LEVEL. Keys and secrets are
// never passed to it.
import pino from 'pino'

const root = pino({ level: process.env.LOG_LEVEL ?? 'info', base: undefined }, pino.destination(2))

export function logger(name: string) {
  return root.child({ name })
}
