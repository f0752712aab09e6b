export { MemoryQueueAdapter, type MemoryQueueAdapterOptions } from './memory-adapter.js';
