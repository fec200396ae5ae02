export { localObjectStore } from './localStore.ts';
export { ObjectNotFoundError, assertSafeKey, type ObjectInfo, type ObjectStore } from './types.ts';
