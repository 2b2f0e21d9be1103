#!/usr/bin/env node
// The registry here carries only the linux-x64 builds of packages that ship one optional
// package per platform (anvil, chDB). npm records no lock entry for the others, and `npm ci`
// then refuses the lock as out of sync. This adds the missing entries with their os/cpu, so
// npm ci skips them on this platform exactly as a lock written elsewhere would.
// Run after `npm install` changes the lock: node scripts/lock-platforms.js
'use strict'
const fs = require('fs')
const path = require('path')
const file = path.join(__dirname, '..', 'package-lock.json')
const lock = JSON.parse(fs.readFileSync(file, 'utf8'))
const platform = (name) => {
  const os = /darwin/.test(name) ? 'darwin' : /win32/.test(name) ? 'win32' : /linux/.test(name) ? 'linux' : undefined
  const cpu = /arm64/.test(name) ? 'arm64' : /(x64|amd64)/.test(name) ? 'x64' : undefined
  return { os, cpu }
}
let added = 0
for (const [key, pkg] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies || {})) {
    const where = `node_modules/${name}`
    if (lock.packages[where] || lock.packages[`${key}/node_modules/${name}`]) continue
    const { os, cpu } = platform(name)
    if (!os || !cpu) continue
    lock.packages[where] = { version: version.replace(/^[\^~]/, ''), optional: true, os: [os], cpu: [cpu] }
    added++
  }
}
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n')
console.error(`lock-platforms: added ${added} platform entries`)
