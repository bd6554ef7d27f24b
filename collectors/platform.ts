import type { CollectContext, CollectResult, Source } from './types.js';

type Loader<T> = () => Promise<{ collect: Source<T> }>;

/**
 * Picks a collector's platform source once, by file, with an `unsupported` fallback,
 * and loads it lazily so that code for other platforms is never imported.
 */
export function platformSource<T>(
  loaders: Partial<Record<NodeJS.Platform, Loader<T>>>,
  platform: NodeJS.Platform = process.platform,
): Source<T> {
  const load = loaders[platform];
  if (!load) {
    return async (): Promise<CollectResult<T>> => ({
      status: 'unsupported',
      platform,
      reason: `no ${platform} source yet`,
    });
  }
  let loaded: Promise<{ collect: Source<T> }> | undefined;
  return async (ctx: CollectContext) => {
    loaded ??= load();
    return (await loaded).collect(ctx);
  };
}
