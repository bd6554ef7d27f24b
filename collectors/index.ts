export { collectors } from './list.js';
export { collectSnapshot, type CollectSnapshotOptions } from './run.js';
export { snapshotSchema, domainNames, type Snapshot, type DomainName } from '../schema/snapshot/index.js';
export type { Collector, CollectContext, CollectResult, CollectOptions } from './types.js';
