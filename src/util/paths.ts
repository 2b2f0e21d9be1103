import path from 'node:path'

/** The project's root (lib/ and src/ sit one level below it). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..')
