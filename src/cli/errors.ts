// The CLI's errors are the project's (src/util/errors.ts): a mistake in how a command was
// called is a UsageError, printed as one line with exit code 2.
export { UsageError } from '../util/errors'
