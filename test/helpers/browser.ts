// Headless Chromium through playwright-core. The browser comes from npm (@sparticuz/chromium ships a
// brotli-packed chrome-headless-shell whose Chromium 141 speaks the protocol of the pinned
// playwright-core 1.56.1), so no system browser is needed. It is unpacked once per version into
// <tmpdir>/upkeep-chromium-<version> (staged, then renamed, so a killed unpack never leaves half a
// binary); CHROMIUM_PATH overrides it with any other Chromium.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium, type BrowserContext } from 'playwright-core'

const require = createRequire(import.meta.url)

async function sparticuz(): Promise<{ version: string; args: string[]; executablePath(): Promise<string> }> {
  // its exports hide package.json: find it above the resolved entry point
  let d = path.dirname(require.resolve('@sparticuz/chromium'))
  while (!fs.existsSync(path.join(d, 'package.json')) || JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')).name !== '@sparticuz/chromium') d = path.dirname(d)
  const { version } = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')) as { version: string }
  const mod = (await import('@sparticuz/chromium')) as unknown as { default: { args: string[]; executablePath(): Promise<string> } }
  return { version, args: mod.default.args, executablePath: () => mod.default.executablePath() }
}

/** The npm Chromium's binary, unpacked on first use (global setup does it once per run). */
export async function chromiumExecutable(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  const s = await sparticuz()
  const dir = path.join(os.tmpdir(), `upkeep-chromium-${s.version}`)
  const exe = path.join(dir, 'chromium')
  if (fs.existsSync(exe)) return exe
  // the package unpacks into os.tmpdir() (it reads TMPDIR): point that at a staging directory
  const staging = fs.mkdtempSync(`${dir}.part-`)
  const saved = process.env.TMPDIR
  process.env.TMPDIR = staging
  try {
    await s.executablePath()
  } finally {
    if (saved === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = saved
  }
  try {
    fs.renameSync(staging, dir)
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true })
    if (!fs.existsSync(exe)) throw e // another process won the rename: use its copy
  }
  return exe
}

export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const executablePath = await chromiumExecutable()
  const npmArgs = process.env.CHROMIUM_PATH ? [] : (await sparticuz()).args
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-chromium-profile-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 1800 },
    args: [...npmArgs, '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  return {
    context,
    async close() {
      await context.close()
      fs.rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}
