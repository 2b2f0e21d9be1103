// Application logging (pino): JSON lines on stderr, at the level src/config read from LOG_LEVEL.
// Keys and secrets are never passed to it.
import pino from 'pino'

const root = pino({ level: 'info', base: undefined }, pino.destination(2))

export function setLogLevel(level: string): void {
  root.level = level
}

export function logger(name: string) {
  return root.child({ name })
}
