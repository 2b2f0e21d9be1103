// Loading ESM-only packages from this CommonJS build. Node 20.19+ can require() most ESM, so that
// is tried first; packages with top-level await (vega) need a real dynamic import, which tsc
// (module: commonjs) would rewrite into require() — a direct eval keeps it. (Vitest's module
// runner cannot run such an eval'ed import; code under test loads those packages in a child
// process, as users run it.)
export function importEsm<T>(specifier: string): Promise<T> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return Promise.resolve(require(specifier) as T)
  } catch (e) {
    const code = (e as { code?: string }).code
    if (code !== 'ERR_REQUIRE_ASYNC_MODULE' && code !== 'ERR_REQUIRE_ESM') throw e
    // eslint-disable-next-line no-eval
    return eval('import(specifier)') as Promise<T>
  }
}
