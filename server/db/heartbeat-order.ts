/**
 * How a full row's heartbeats are read in time order, one text for both engines. heartbeats_base
 * (server/storage/migrations.ts version 13) keys them on (base, received_ms / 3600000), with received_ms after the
 * hour on SQLite: the hour, so that PostgreSQL's B-tree deduplication keeps one key per full row and hour. Ordering
 * by the hour and then by received_ms is exactly the order of received_ms (integer division never decreases as its
 * dividend grows, on either engine), so results are as before; PostgreSQL reads the hours off the index and sorts
 * within each one (Incremental Sort, stopping early under LIMIT), SQLite walks its index as stored. The expression
 * must stay the index's text exactly, or neither engine uses the index for the order
 * (test/server/storage/heartbeat-plans.test.ts asserts the plans).
 */

const msPerHour = 3_600_000;

/** The indexed hour of a heartbeats column reference (`received_ms` or `h.received_ms`). */
export const heartbeatHour = (column: string): string => `${column} / ${msPerHour}`;

/** An ORDER BY list: heartbeats by time, in one direction, through the index's hour. */
export const heartbeatOrder = (column: string, direction: 'ASC' | 'DESC'): string => `${heartbeatHour(column)} ${direction}, ${column} ${direction}`;

/**
 * Pure: the indexed hour of a time in milliseconds, as both engines' integer division computes it (toward zero), so
 * that `received_ms < t` implies `received_ms / 3600000 <= hourOfMs(t)`, a bound the index can range on.
 */
export const hourOfMs = (ms: number): number => Math.trunc(ms / msPerHour);
