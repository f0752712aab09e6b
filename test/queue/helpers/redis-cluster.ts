import { once } from 'node:events';
import { Cluster } from 'ioredis';
import { TEST_REDIS_CLUSTER_NODES } from '../../helpers/test-services.js';

/**
 * An ioredis `Cluster` on the test Redis Cluster (`scripts/redis-cluster.sh start`), with
 * `maxRetriesPerRequest: null` as BullMQ's workers require.
 */
export function testCluster(): Cluster {
  return new Cluster(TEST_REDIS_CLUSTER_NODES, { redisOptions: { maxRetriesPerRequest: null } });
}

/** Every key matching `pattern` on every master of the cluster (waits for the cluster's node list). */
export async function clusterKeys(cluster: Cluster, pattern: string): Promise<string[]> {
  if (cluster.status !== 'ready') await once(cluster, 'ready');
  const found: string[] = [];
  for (const node of cluster.nodes('master')) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/** Deletes every key matching `pattern` on every master (one key at a time: keys may be in any slot). */
export async function deleteClusterKeys(pattern: string): Promise<void> {
  const cluster = testCluster();
  try {
    for (const key of await clusterKeys(cluster, pattern)) await cluster.del(key);
  } finally {
    cluster.disconnect();
  }
}

/** The hash slot of `key`, as the cluster computes it. */
export async function keySlot(cluster: Cluster, key: string): Promise<number> {
  return Number(await cluster.call('CLUSTER', 'KEYSLOT', key));
}
