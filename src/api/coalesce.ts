// Identical analytics calls that arrive while one is running share its answer. chDB runs one
// query at a time, so 32 clients asking for the same report would otherwise queue 32 copies of
// it. Nothing is kept once the call settles: this is not a cache and never serves a stale result.

const keyOf = (method: string, args: unknown[]) => `${method}:${JSON.stringify(args, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`

/** A view of `target` whose async methods coalesce concurrent calls with equal arguments. */
export function coalesced<T extends object>(target: T): T {
  const running = new Map<string, Promise<unknown>>()
  return new Proxy(target, {
    get(obj, prop) {
      const v = Reflect.get(obj, prop, obj) as unknown
      if (typeof v !== 'function' || typeof prop !== 'string') return v
      return (...args: unknown[]) => {
        const key = keyOf(prop, args)
        let p = running.get(key)
        if (!p) {
          p = Promise.resolve().then(() => (v as (...a: unknown[]) => unknown).apply(obj, args))
          running.set(key, p)
          const done = () => running.delete(key)
          p.then(done, done)
        }
        return p
      }
    },
  })
}
