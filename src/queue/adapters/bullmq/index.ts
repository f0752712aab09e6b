/**
 * `wacloud/bullmq`: the send queue on BullMQ and Redis, for several processes and machines.
 * @packageDocumentation
 */
export { BullMQAdapter, type BullMQAdapterOptions } from './bullmq-adapter.js';
export { decodeOutcome, type EncodedOutcome, encodeOutcome } from './outcome-codec.js';
export { type DispatchVerdict, type NumberKeys, RedisLimits } from './redis-limits.js';
