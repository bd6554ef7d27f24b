/**
 * When the ingest pool grows and shrinks: a pure, total decision over samples taken every few hundred milliseconds.
 * A worker costs memory (its own V8 heap and the schema code) and each report a message, so the pool starts only when
 * the main thread has been busy with a real report load for a while and the machine has a core to spare for it, and
 * stops once reports have stopped coming.
 */
export interface ScaleSettings {
  /** Most workers. */
  max: number;
  /** Fewest workers, even idle (0 in production: an idle server holds none). */
  min: number;
  /** Share of the main thread's time busy (event-loop utilization) at which it is loaded. */
  busyShare: number;
  /** Reports per second below which the ingest is idle, and without which no load counts. */
  minReportsPerSec: number;
  /** How long a load lasts before a worker is added. */
  startAfterMs: number;
  /** How long the ingest stays idle before the workers stop. */
  idleAfterMs: number;
  /** Busy share of the workers at which one more helps (when the main thread is still loaded too). */
  workerBusyShare: number;
  /**
   * Cores the machine must have spare (its cores less the 1-minute load average) before a worker is added: on a
   * machine whose cores are all taken a worker only adds its messages. -Infinity when the operator set a number.
   */
  minSpareCores: number;
}

export const defaultScale: Omit<ScaleSettings, 'max'> = {
  min: 0,
  busyShare: 0.6,
  minReportsPerSec: 50,
  startAfterMs: 2_000,
  idleAfterMs: 30_000,
  workerBusyShare: 0.8,
  minSpareCores: 0.5,
};

export interface ScaleSample {
  atMs: number;
  /** Main thread's busy share over the last interval, 0..1. */
  mainBusy: number;
  reportsPerSec: number;
  /** Mean busy share of the ready workers, null without one. */
  workerBusy: number | null;
  /** The machine's cores less its 1-minute load average (negative when oversubscribed). */
  spareCores: number;
}

export interface ScaleState {
  size: number;
  /** Since when the load that would add a worker has lasted. */
  loadedSince: number | null;
  idleSince: number | null;
}

export const initialScale = (settings: Pick<ScaleSettings, 'min' | 'max'>): ScaleState => ({ size: clamp(settings.min, settings), loadedSince: null, idleSince: null });

function clamp(n: number, s: Pick<ScaleSettings, 'min' | 'max'>): number {
  return Math.max(Math.min(s.min, s.max), Math.min(s.max, n));
}

export function scaleStep(state: ScaleState, sample: ScaleSample, settings: ScaleSettings): ScaleState {
  const size = clamp(state.size, settings);
  const rate = Number.isFinite(sample.reportsPerSec) ? sample.reportsPerSec : 0;
  const busy = Number.isFinite(sample.mainBusy) ? sample.mainBusy : 0;
  const idle = rate < settings.minReportsPerSec;
  // A first worker when the main thread is loaded; another only while the ones there are saturated too.
  const spare = Number.isNaN(sample.spareCores) ? 0 : sample.spareCores;
  const wantsMore =
    !idle &&
    busy >= settings.busyShare &&
    spare >= settings.minSpareCores &&
    size < settings.max &&
    (size === 0 || (sample.workerBusy ?? 0) >= settings.workerBusyShare);
  const loadedSince = wantsMore ? (state.loadedSince ?? sample.atMs) : null;
  const idleSince = idle ? (state.idleSince ?? sample.atMs) : null;
  if (loadedSince !== null && sample.atMs - loadedSince >= settings.startAfterMs) return { size: size + 1, loadedSince: null, idleSince: null };
  if (idleSince !== null && size > settings.min && sample.atMs - idleSince >= settings.idleAfterMs) return { size: clamp(settings.min, settings), loadedSince: null, idleSince: null };
  return { size, loadedSince, idleSince };
}
