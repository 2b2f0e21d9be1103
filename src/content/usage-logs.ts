// Where the content store keeps operators' usage logs: one `operator-<id>.jsonl` per operator, in
// the node's format (src/inference/usage-log.ts). The workload's operators write theirs here, and
// `upkeep verify --network-history` reads every log found here.
import fs from 'node:fs'
import path from 'node:path'

export function usageLogDir(contentDir: string): string {
  return path.join(contentDir, 'usage-logs')
}

export function usageLogFile(contentDir: string, operatorId: number): string {
  return path.join(usageLogDir(contentDir), `operator-${operatorId}.jsonl`)
}

/** Every usage log in the content store, sorted by name (none: an empty list). */
export function storedUsageLogs(contentDir: string): string[] {
  const dir = usageLogDir(contentDir)
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((f) => /^operator-\d+\.jsonl$/.test(f))
    .sort()
    .map((f) => path.join(dir, f))
}
