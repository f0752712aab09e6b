/**
 * wacloud: WhatsApp Business Cloud API campaigns — typed client, send queue, webhooks, metrics.
 * The root entry loads no optional peer (express, next, bullmq, ioredis, pg, better-sqlite3).
 * @packageDocumentation
 */
export * from './client/index.js';
export * from './dashboard/index.js';
export * from './errors/index.js';
export * from './events/index.js';
export * from './messages/index.js';
export * from './metrics/index.js';
export * from './queue/index.js';
export * from './report/index.js';
export * from './tracking/index.js';
export * from './webhooks/index.js';
