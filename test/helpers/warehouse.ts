// ClickHouse vs Postgres row by row: see src/warehouse/compare.ts (shared with the soak).
export { compareStores, type StoreComparison } from '../../src/warehouse/compare'
