/**
 * `wacloud/bullmq`: the send queue on BullMQ and Redis, for several processes and machines.
 * @packageDocumentation
 */
export { BullMQAdapter, type BullMQAdapterOptions } from './bullmq-adapter.js';
