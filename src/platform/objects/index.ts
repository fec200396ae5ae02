export { localObjectStore } from './localStore.ts';
export { s3ObjectStore, type S3StoreOptions } from './s3Store.ts';
export { ObjectNotFoundError, assertSafeKey, type ObjectInfo, type ObjectStore } from './types.ts';
export { guardedObjectStore } from './guarded.ts';
export { sourceCache, type SourceCache, type SourceLease } from './sourceCache.ts';
export { readObjectText } from './readText.ts';
