/**
 * BullMQ on a Redis Cluster (issue 15's figure): 5 phone numbers × 4 worker processes on a local
 * three-master cluster (`scripts/redis-cluster.sh start`, run by this bench), each number at its own
 * limit (four at 80 mps, one at 1,000), against the simulator over loopback (it refuses any request
 * over a number's limit in a sliding second with 130429). A producer process first enqueues
 * `limit × duration` messages per number (one recipient each); then the four workers start, and one
 * of them is killed with SIGKILL halfway. Prints one JSON line per figure:
 *  - window_max_<number>: the most requests the simulator accepted for that number in any sliding 1 s
 *    (must be ≤ its limit);
 *  - combined_throughput: accepted messages per second, all numbers, from the first acceptance to the
 *    last, against the sum of the limits (goal ≥ 95%);
 *  - outcomes: enqueue promises settled (must equal the messages enqueued), by status;
 *  - double_sends: recipients the simulator accepted more than once (must be 0); lost: messages with
 *    no outcome or (sent but never accepted);
 *  - refused_130429: requests the simulator refused for throughput;
 *  - cpu: the machine's idle share over the run (from /proc/stat), and CPU seconds by process kind,
 *    to tell whether the CPU was the bound; load averages on every line.
 * `node --import tsx bench/bullmq-cluster.bench.ts [seconds] [lanes]` (default 60 s and the adapter's
 * default `dispatchLanes`; 15 s is enough to try it).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Cluster } from 'ioredis';
import { startSimulator } from '../src/simulator/index.js';

const seconds = Number(process.argv[2] ?? 60);
const lanes = process.argv[3];
const run = randomUUID().slice(0, 8);
const nodes = [7101, 7102, 7103].map((port) => ({ host: '127.0.0.1', port }));
const script = fileURLToPath(new URL('./helpers/bullmq-cluster-process.ts', import.meta.url));
const clusterScript = fileURLToPath(new URL('../scripts/redis-cluster.sh', import.meta.url));
const WORKERS = 4;
const numbers = [80, 80, 80, 80, 1000].map((mps, i) => ({
  id: `10654035224290${i + 1}`,
  mps,
  concurrency: mps >= 1000 ? 60 : 8,
  count: mps * seconds,
}));
const limitSum = numbers.reduce((sum, n) => sum + n.mps, 0);
const enqueued = numbers.reduce((sum, n) => sum + n.count, 0);

const print = (figure: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(
    JSON.stringify({
      bench: 'bullmq-cluster',
      figure,
      value: Math.round(value * 1000) / 1000,
      unit,
      seconds,
      lanes: lanes ?? 'default',
      load: loadavg().map((l) => Math.round(l * 100) / 100),
      ...extra,
    }),
  );

/** The machine's total and idle CPU ticks (/proc/stat). */
function cpuTicks(): { total: number; idle: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { total: fields.reduce((a, b) => a + b, 0), idle: (fields[3] ?? 0) + (fields[4] ?? 0) };
}

/** CPU seconds (user + system) a live process used so far (/proc/<pid>/stat). */
function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds the cluster's Redis nodes used so far (INFO cpu). */
async function redisCpuSeconds(cluster: Cluster): Promise<number> {
  let sum = 0;
  for (const node of cluster.nodes('master')) {
    const info = await node.info('cpu');
    for (const name of ['used_cpu_sys', 'used_cpu_user']) {
      sum += Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    }
  }
  return sum;
}

function spawnRole(role: 'worker' | 'producer', env: Record<string, string>): ChildProcess {
  // WACLOUD_BENCH_WORKER_NODE_ARGS: extra node flags for the workers (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`).
  const extra =
    role === 'worker' ? (process.env.WACLOUD_BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? []) : [];
  return spawn(process.execPath, [...extra, '--import', 'tsx', script, role], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Resolves with the first stdout line of `child` that satisfies `match`. */
function lineOf(child: ChildProcess, match: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (data: Buffer) => {
      buffered += data.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      const found = lines.find(match);
      if (found !== undefined) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`${child.pid} exited (${code}) before the expected line`)));
  });
}

/** The most of `times` in any window of `windowMs`. */
function maxInSlidingWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

const up = spawnSync(clusterScript, ['start'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (up.status !== 0) throw new Error('the Redis Cluster did not start (scripts/redis-cluster.sh start)');

const simulator = await startSimulator({
  seed: 15,
  phoneNumbers: numbers.map((n) => ({ id: n.id, messagesPerSecond: n.mps })),
  behaviour: { pairLimit: false },
});
const env = {
  SIM_URL: simulator.url,
  NUMBERS: JSON.stringify(numbers),
  RUN: run,
  CLUSTER_NODES: JSON.stringify(nodes),
  ...(lanes ? { DISPATCH_LANES: lanes } : {}),
};
const cluster = new Cluster(nodes);
const children: ChildProcess[] = [];
try {
  const producer = spawnRole('producer', env);
  children.push(producer);
  const enqueueStart = Date.now();
  const result = lineOf(producer, (line) => line.startsWith('{'));
  await lineOf(producer, (line) => line === 'enqueued');
  const enqueueSeconds = (Date.now() - enqueueStart) / 1000;

  const cpu0 = cpuTicks();
  const redis0 = await redisCpuSeconds(cluster);
  const workers = Array.from({ length: WORKERS }, () => spawnRole('worker', env));
  children.push(...workers);
  await Promise.all(workers.map((w) => lineOf(w, (line) => line === 'ready')));
  const started = Date.now();
  const victim = workers[0] as ChildProcess;
  let victimCpu = 0;
  const kill = setTimeout(
    () => {
      victimCpu = processCpuSeconds(victim.pid);
      victim.kill('SIGKILL');
    },
    (seconds * 1000) / 2,
  );

  const deadline = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error('the run did not finish in 20 × duration + 120 s')),
      seconds * 20_000 + 120_000,
    ).unref(),
  );
  const outcomeLine = await Promise.race([result, deadline]);
  clearTimeout(kill);
  const finished = Date.now();
  const cpu1 = cpuTicks();
  const workerCpu = victimCpu + workers.slice(1).reduce((sum, w) => sum + processCpuSeconds(w.pid), 0);
  const producerCpu = processCpuSeconds(producer.pid);
  const redisCpu = (await redisCpuSeconds(cluster)) - redis0;
  const mainCpu = process.cpuUsage();

  const outcomes = (JSON.parse(outcomeLine) as { outcomes: Record<string, Record<string, number>> }).outcomes;
  const messages = simulator.messages;
  const perRecipient = new Map<string, number>();
  for (const m of messages) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
  const doubles = [...perRecipient.values()].filter((c) => c > 1).length;

  for (const n of numbers) {
    const times = messages.filter((m) => m.phoneNumberId === n.id).map((m) => m.acceptedAt.getTime());
    const first = Math.min(...times);
    const last = Math.max(...times);
    print(`window_max_${n.id}`, maxInSlidingWindow(times, 1000), 'requests per sliding second', {
      limit: n.mps,
      accepted: times.length,
      enqueued: n.count,
      mps_first_to_last: Math.round((times.length / Math.max(0.001, (last - first) / 1000)) * 10) / 10,
    });
  }
  const allTimes = messages.map((m) => m.acceptedAt.getTime());
  const span = (Math.max(...allTimes) - Math.min(...allTimes)) / 1000;
  print('combined_throughput', messages.length / span, 'messages per second', {
    limitSum,
    share: Math.round((messages.length / span / limitSum) * 1000) / 1000,
    spanSeconds: span,
    runSeconds: (finished - started) / 1000,
  });
  const byStatus: Record<string, number> = {};
  let settled = 0;
  for (const counts of Object.values(outcomes)) {
    for (const [status, count] of Object.entries(counts)) {
      byStatus[status] = (byStatus[status] ?? 0) + count;
      settled += count;
    }
  }
  print('outcomes', settled, 'messages with one outcome', { enqueued, byStatus });
  print('double_sends', doubles, 'recipients accepted more than once', { accepted: messages.length });
  print('lost', enqueued - settled + Math.max(0, (byStatus.sent ?? 0) - perRecipient.size), 'messages', {
    sentOutcomes: byStatus.sent ?? 0,
    recipientsAccepted: perRecipient.size,
    unknownOutcomes: byStatus.unknown ?? 0,
  });
  print('refused_130429', simulator.stats().rejected['130429'] ?? 0, 'requests', {
    rejected: simulator.stats().rejected,
  });
  const idle = (cpu1.idle - cpu0.idle) / Math.max(1, cpu1.total - cpu0.total);
  print('cpu_idle_share', idle, 'share of the machine idle while sending', {
    cpuSeconds: {
      workers: Math.round(workerCpu * 10) / 10,
      redisNodes: Math.round(redisCpu * 10) / 10,
      producer: Math.round(producerCpu * 10) / 10,
      simulatorProcess: Math.round(((mainCpu.user + mainCpu.system) / 1e6) * 10) / 10,
    },
    runSeconds: (finished - started) / 1000,
    enqueueSeconds,
  });
} finally {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 2000));
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const node of cluster.nodes('master')) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `*wcb-${run}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) await cluster.del(key);
    } while (cursor !== '0');
  }
  cluster.disconnect();
  await simulator.close();
}
