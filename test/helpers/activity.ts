// Chain activity for reorg tests: see src/faults/activity.ts (shared with the soak).
export { actors, mineActivity, type ActivityActors } from '../../src/faults/activity'
