// Jobs on a Ray cluster against jobs on this machine, same cores: one CartPole iteration of four
// fixed rewards (bench/halving/cartpole, no LLM) trained through a local worker and through a
// worker driving a local two-node Ray cluster (python/tests/raycluster.py: one CPU a node, as
// the local worker's two jobs at once), interleaved; and the time from a train request to its
// first env step through each.
//   node bench/run.mjs ray        (BENCH_REPEATS=3)
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const REWARDS = ['human', 'shaped_a', 'shaped_b', 'shaped_d'];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function iteration(api, root, worker, timesteps) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'se-ray-bench-'));
  const run = api.Run.create(path.join(root, 'configs', 'cartpole.yml'), { cwd: dir, dir: path.join(dir, 'run'), worker, overrides: { timesteps, backend: 'local' } });
  for (const r of REWARDS) run.addEdit(0, fs.readFileSync(path.join(root, 'bench', 'halving', 'cartpole', `${r}.py`), 'utf8'), { note: r });
  const start = performance.now();
  await run.runSamples(0, { selection: 'full' });
  const wall = (performance.now() - start) / 1000;
  const where = run.samples(0).map((s) => s.train?.where?.host ?? '?');
  if (run.samples(0).some((s) => s.status !== 'trained')) throw new Error(`not all trained: ${run.samples(0).map((s) => s.status)}`);
  return { wall, where };
}

/** Milliseconds from a train request to the job's first progress event (its first env step). */
async function firstStep(api, root, worker) {
  const loaded = api.loadConfig(path.join(root, 'configs', 'cartpole.yml'), { cwd: root });
  const code = fs.readFileSync(path.join(root, 'bench', 'halving', 'cartpole', 'human.py'), 'utf8');
  const start = performance.now();
  let first = 0;
  await worker.train(
    { env: api.envRefFromConfig(loaded), code, rl: loaded.config.rl, out_dir: fs.mkdtempSync(path.join(os.tmpdir(), 'se-ray-lat-')), total_timesteps: 256 },
    { onEvent: (e) => e === 'progress' && !first && (first = performance.now() - start) },
  );
  return first;
}

export async function rayBench(api, root, python, repeats = 3) {
  const log = (s) => process.stderr.write(s + '\n');
  const cluster = execa(python, [path.join(root, 'python', 'tests', 'raycluster.py')], { stdin: 'pipe', reject: false, env: { RAY_USAGE_STATS_ENABLED: '0' } });
  const line = await new Promise((resolve) => readline.createInterface({ input: cluster.stdout }).once('line', resolve));
  const { address } = JSON.parse(line);
  const local = await api.PythonWorker.start({ maxJobs: 2 });
  const ray = await api.PythonWorker.start({ executor: { kind: 'ray', address } });
  try {
    const timesteps = 20_000;
    await iteration(api, root, local, 2048); // warm: caches, the Ray runners' first start
    await iteration(api, root, ray, 2048);
    const walls = { local: [], ray: [] };
    for (let k = 0; k < repeats; k++) {
      for (const [name, w] of [['local', local], ['ray', ray]]) {
        const r = await iteration(api, root, w, timesteps);
        walls[name].push(r.wall);
        log(`round ${k + 1} ${name}: ${r.wall.toFixed(1)} s (${r.where.join(', ')})`);
      }
    }
    const lat = { local: [], ray: [] };
    for (let k = 0; k < 5; k++) for (const [name, w] of [['local', local], ['ray', ray]]) lat[name].push(await firstStep(api, root, w));
    console.log(`CartPole, ${REWARDS.length} samples x ${timesteps} steps, 2 jobs at once (local: max_jobs 2; ray: two nodes of one CPU), ${repeats} interleaved rounds`);
    console.log('| executor | iteration wall s (median) | rounds | first env step ms (median of 5, warm) |');
    console.log('|---|---|---|---|');
    for (const name of ['local', 'ray']) console.log(`| ${name} | ${median(walls[name]).toFixed(1)} | ${walls[name].map((x) => x.toFixed(1)).join(', ')} | ${median(lat[name]).toFixed(0)} (${lat[name].map((x) => x.toFixed(0)).join(', ')}) |`);
    console.log(`ray / local wall: ${(median(walls.ray) / median(walls.local)).toFixed(3)}`);
  } finally {
    await local.shutdown();
    await ray.shutdown();
    cluster.stdin.end();
    await cluster;
  }
}
