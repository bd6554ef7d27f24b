import type { CollectContext, CollectResult, Source } from './types.js';

type Loader<T> = () => Promise<{ collect: Source<T> }>;

/**
 * Picks a collector's platform source once, by file, with an `unsupported` fallback,
 * and loads it lazily so that code for other platforms is never imported.
 */
export function platformSource<T>(
  loaders: Partial<Record<NodeJS.Platform, Loader<T>>>,
  platform: NodeJS.Platform = process.platform,
): PlatformSource<T> {
  const load = loaders[platform];
  if (!load) {
    const unsupported = async (): Promise<CollectResult<T>> => ({
      status: 'unsupported',
      platform,
      reason: `no ${platform} source yet`,
    });
    return Object.assign(unsupported, { prepare: async () => {} });
  }
  let loaded: Promise<{ collect: Source<T> }> | undefined;
  const source = async (ctx: CollectContext) => {
    loaded ??= load();
    return (await loaded).collect(ctx);
  };
  return Object.assign(source, {
    prepare: async () => {
      loaded ??= load();
      await loaded;
    },
  });
}

/** A platform's source, with `prepare` to load its code ahead of the first cycle. */
export type PlatformSource<T> = Source<T> & { prepare(): Promise<void> };
