// Who holds an embedded chDB directory. chDB locks its directory to one process and, asked to
// open a locked one, prints the engine's raw "Code: 76 ... Cannot lock file .../status" and fails.
// So every opener asks here first: the engine writes its PID into <dir>/status and keeps that
// file open while it runs, so a live process with the file open is the holder. A service that
// holds the directory and serves the API announces its URL next to it (<dir>/../api.json), so
// commands can say where to go instead (`upkeep report` fetches /reports/… from it).
import fs from 'node:fs'
import path from 'node:path'
import { alive } from '../util/pid'

export interface ChdbHolder {
  pid: number
  /** the holder's command line (shortened), when readable */
  command: string | null
  /** the API the holding process serves, when it announced one */
  apiUrl: string | null
}

/** The file a service announces its API in, for the embedded directory `dir`. */
export function serviceFile(dir: string): string {
  return path.join(path.dirname(path.resolve(dir)), 'api.json')
}

/** Whether `pid` has `file` open (Linux /proc); null when that cannot be read. */
function holdsOpen(pid: number, file: string): boolean | null {
  let fds: string[]
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`)
  } catch {
    return null
  }
  for (const fd of fds) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === file) return true
    } catch {
      // the descriptor closed while we looked
    }
  }
  return false
}

function commandOf(pid: number): string | null {
  try {
    const c = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')
    const one = c.replace(/\s+/g, ' ')
    return one.length > 120 ? one.slice(0, 117) + '...' : one || null
  } catch {
    return null
  }
}

/** The API a process announced for `dir`, if it is that process's. */
export function announcedApi(dir: string, pid: number): string | null {
  try {
    const a = JSON.parse(fs.readFileSync(serviceFile(dir), 'utf8')) as { pid?: unknown; url?: unknown }
    return a.pid === pid && typeof a.url === 'string' ? a.url : null
  } catch {
    return null
  }
}

/** Another live process that holds the embedded chDB directory `dir`, or null. */
export function chdbHolder(dir: string): ChdbHolder | null {
  const status = path.join(path.resolve(dir), 'status')
  let text: string
  try {
    text = fs.readFileSync(status, 'utf8')
  } catch {
    return null
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(text)?.[1])
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !alive(pid)) return null
  // a stale status file whose PID now names another process
  if (holdsOpen(pid, status) === false) return null
  return { pid, command: commandOf(pid), apiUrl: announcedApi(dir, pid) }
}

/** The one line every command prints when the directory is held. */
export function lockedMessage(dir: string, h: ChdbHolder | null): string {
  const who = h ? `process ${h.pid}${h.command ? ` (${h.command})` : ''}` : 'another process'
  const where = h?.apiUrl ? `; it serves the API at ${h.apiUrl} (reports at ${h.apiUrl}/reports/YYYY-MM.md)` : ''
  return `embedded chDB at ${dir} is locked by ${who}${where}; use that process, stop it, or use a ClickHouse server (CLICKHOUSE_URL)`
}

/** Announce the API served by this process for `dir`; returns the undo. */
export function announceApi(dir: string, url: string): () => void {
  const file = serviceFile(dir)
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, url }) + '\n')
  return () => {
    // a later server in this process may have announced itself since: remove only our own line
    if (announcedApi(dir, process.pid) === url) fs.rmSync(file, { force: true })
  }
}
