import type { ProtocolEvent } from '../decode'

/** The decoded arguments of one protocol event, e.g. Args<'OpenToken.Transfer'>. */
export type Args<K extends ProtocolEvent['key']> = Extract<ProtocolEvent, { key: K }>['args']

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000'
