// The one ClickHouse time format: DateTime64(3) input and parameters, always UTC.

/** `d` as ClickHouse DateTime64(3) text: 'YYYY-MM-DD hh:mm:ss.sss' (UTC). */
export function chTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '')
}

/** The current time as ClickHouse DateTime64(3) text (UTC). */
export function chNow(): string {
  return chTime(new Date())
}
