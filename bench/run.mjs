#!/usr/bin/env node
// Benchmarks of the worker, each ratio taken within one run on this machine.
//   [BENCH_REPEATS=n] node bench/run.mjs overhead|layers|latency|parallel|solve|local|reflection|iteration|halving|halving-replay|ray [names...]
// Results print as Markdown rows; bench/RESULTS.md records them with the command.
import { execa } from 'execa';
import path from 'node:path';
import fs from 'node:fs';
import { api, human, load, LOCAL_STEPS, termsText, log, median, ours, OVERHEAD_STEPS, plain, python, REPEATS, root, tmp } from './common.mjs';
import { halving, replay } from './halving.mjs';
import { overhead } from './overhead.mjs';
import { rayBench } from './ray.mjs';
import { reflectionBench } from './reflection.mjs';

/**
 * What each containment layer costs: plain SB3 against ours with every layer on, with none,
 * and with each one off alone, interleaved in one run (medians of `repeats`).
 */
async function layers(names = ['cartpole', 'lunar_lander'], repeats = REPEATS ?? 3) {
  const worker = await api.PythonWorker.start({ maxJobs: 1 });
  const off = (...names) => Object.fromEntries(['audit_hook', 'fitness_integrity', 'os_isolation'].map((n) => [n, !names.includes(n)]));
  const variants = {
    'all layers': off(),
    'no audit hook': off('audit_hook'),
    'no fitness integrity': off('fitness_integrity'),
    'no OS isolation': off('os_isolation'),
    'no layer': off('audit_hook', 'fitness_integrity', 'os_isolation'),
  };
  console.log(`| env | plain SB3 (same env + reward) steps/s | ${Object.keys(variants).map((v) => `${v}: steps/s (ratio)`).join(' | ')} |`);
  console.log(`|---|---|${Object.keys(variants).map(() => '---').join('|')}|`);
  for (const name of names) {
    const loaded = load(name);
    const n = OVERHEAD_STEPS[name] ?? 50_000;
    const plainRuns = [];
    const ourRuns = Object.fromEntries(Object.keys(variants).map((v) => [v, []]));
    for (let i = 0; i < repeats; i++) {
      plainRuns.push((await plain(loaded, n, true)).steps_per_s);
      for (const [v, containment] of Object.entries(variants)) {
        ourRuns[v].push((await ours(worker, loaded, n, { containment })).train_steps_per_s);
      }
      log(`${name} run ${i + 1}: plain ${plainRuns.at(-1).toFixed(0)}, ${Object.entries(ourRuns).map(([v, r]) => `${v} ${r.at(-1).toFixed(0)}`).join(', ')}`);
    }
    const pm = median(plainRuns);
    const cells = Object.values(ourRuns).map((r) => `${median(r).toFixed(0)} (${(pm / median(r)).toFixed(3)})`);
    console.log(`| ${name} | ${pm.toFixed(0)} | ${cells.join(' | ')} |`);
  }
  await worker.shutdown();
}

async function latency(repeats = 5) {
  const worker = await api.PythonWorker.start({ maxJobs: 1 });
  const loaded = load('cartpole');
  await ours(worker, loaded, 256); // forkserver and caches warm, as in a session
  const warm = [];
  for (let i = 0; i < repeats; i++) {
    const rl = structuredClone(loaded.config.rl);
    const start = performance.now();
    let first = 0;
    await worker.train(
      { env: api.envRefFromConfig(loaded), code: human(loaded), rl, out_dir: tmp(), total_timesteps: 256 },
      { onEvent: (e) => e === 'progress' && !first && (first = performance.now() - start) },
    );
    warm.push(first);
  }
  const cold = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    const child = execa(python, [path.join(root, 'bench', 'cold_start.py')], { buffer: false });
    await new Promise((resolve) => child.stdout.on('data', (d) => String(d).includes('first-step') && resolve()));
    cold.push(performance.now() - start);
    await child;
  }
  await worker.shutdown();
  const w = median(warm);
  const c = median(cold);
  console.log('| path | median ms to first env step | runs |');
  console.log('|---|---|---|');
  console.log(`| warm worker (train request -> first step) | ${w.toFixed(0)} | ${warm.map((x) => x.toFixed(0)).join(', ')} |`);
  console.log(`| fresh python -c (spawn -> first step) | ${c.toFixed(0)} | ${cold.map((x) => x.toFixed(0)).join(', ')} |`);
  console.log(`| cold / warm | ${(c / w).toFixed(1)}x | |`);
}

async function parallel(timesteps = 40_000) {
  const worker = await api.PythonWorker.start({ maxJobs: 2 });
  const loaded = load('cartpole');
  await ours(worker, loaded, 256);
  let t = performance.now();
  const one = await ours(worker, loaded, timesteps);
  const oneWall = (performance.now() - t) / 1000;
  t = performance.now();
  const two = await Promise.all([ours(worker, loaded, timesteps), ours(worker, loaded, timesteps)]);
  const twoWall = (performance.now() - t) / 1000;
  await worker.shutdown();
  const oneRate = one.timesteps / oneWall;
  const twoRate = (two[0].timesteps + two[1].timesteps) / twoWall;
  console.log('| jobs at once | total steps | wall s | steps/s (all jobs) |');
  console.log('|---|---|---|---|');
  console.log(`| 1 | ${one.timesteps} | ${oneWall.toFixed(1)} | ${oneRate.toFixed(0)} |`);
  console.log(`| 2 | ${two[0].timesteps + two[1].timesteps} | ${twoWall.toFixed(1)} | ${twoRate.toFixed(0)} |`);
  console.log(`| speed-up | | | ${(twoRate / oneRate).toFixed(2)}x |`);
}

async function solve(names) {
  const worker = await api.PythonWorker.start({ maxJobs: 1 });
  console.log('| config | algo | steps | best fitness (mean of eval episodes) | at steps | final evaluation (10 seeded episodes) | wall |');
  console.log('|---|---|---|---|---|---|---|');
  for (const name of names) {
    const loaded = load(name);
    const out = tmp();
    const t = performance.now();
    const r = await worker.train(
      { env: api.envRefFromConfig(loaded), code: human(loaded), rl: loaded.config.rl, out_dir: out, limits: { wall_s: 6 * 3600 } },
      { onEvent: (e, d) => e === 'eval' && log(`${name} @${d.timesteps}: fitness ${d.fitness_mean.toFixed(1)}`) },
    );
    const wall = (performance.now() - t) / 1000;
    if (r.status !== 'succeeded') {
      console.log(`| ${name} | ${loaded.config.rl.algo} | - | ${r.status}: ${r.failure.reason} | | | |`);
      continue;
    }
    const ev = await api.evaluatePolicy(loaded, human(loaded), { model: r.best_model, worker });
    const final = ev.status === 'succeeded' ? `${ev.fitness_mean.toFixed(1)} ± ${ev.fitness_std.toFixed(1)}` : ev.status;
    console.log(`| ${name} | ${r.algo} | ${r.timesteps} | ${r.best.fitness_mean.toFixed(1)} | ${r.best.timesteps} | ${final} | ${(wall / 60).toFixed(1)} min |`);
  }
  await worker.shutdown();
}

/** A random policy's return (the env's own reward, which is the fitness of these envs): the mean over 100 seeded episodes. */
async function randomReturn(gymId) {
  const script =
    `import gymnasium as gym, numpy as np\ne = gym.make(${JSON.stringify(gymId)}); r = []\nfor s in range(100):\n` +
    '    e.reset(seed=s); e.action_space.seed(s); t, done = 0.0, False\n' +
    '    while not done:\n        _, rew, te, tr, _ = e.step(e.action_space.sample()); t += rew; done = te or tr\n' +
    '    r.append(t)\nprint(np.mean(r))';
  return Number((await execa(python, ['-c', script])).stdout.trim());
}

/**
 * Each embedded model on each env: speed, how many of its K rewards pass the checks, and how
 * they train (above a random policy; beside the env's own reward trained the same way).
 */
async function local(names = ['cartpole', 'mountain_car_continuous'], k = 8) {
  const models = process.env.BENCH_LOCAL_MODELS ? process.env.BENCH_LOCAL_MODELS.split(',') : api.LOCAL_MODEL_NAMES;
  const worker = await api.PythonWorker.start({ maxJobs: 2 });
  const rows = [];
  for (const name of names) {
    const loaded = load(name);
    const env = api.envRefFromConfig(loaded);
    const timesteps = LOCAL_STEPS[name] ?? 20_000;
    const messages = api.initialMessages(api.promptEnv(await worker.describeEnv(env)));
    const random = await randomReturn(loaded.config.environment.benchmark);
    const own = await worker.train({ env, code: human(loaded), rl: loaded.config.rl, out_dir: tmp(), total_timesteps: timesteps });
    const ownFitness = own.status === 'succeeded' ? own.best.fitness_mean : NaN;
    for (const model of models) {
      const backend = new api.LocalBackend({ model });
      await backend.generate(messages, { n: 1, seed: 0 }); // load (and on first use install) the model
      const t = performance.now();
      const out = await backend.generate(messages, { n: k, temperature: 1, seed: 1 });
      const genS = (performance.now() - t) / 1000;
      const tokens = out.reduce((a, c) => a + c.completionTokens, 0);
      const codes = out.map((c) => api.extractReward(c.text)).filter((e) => e.ok).map((e) => e.code);
      const checks = await Promise.all(codes.map((code) => worker.checkReward({ env, code, smoke: { steps: 500 } })));
      const passed = codes.filter((_, i) => checks[i].passed);
      const trained = await Promise.all(passed.map((code) => worker.train({ env, code, rl: loaded.config.rl, out_dir: tmp(), total_timesteps: timesteps })));
      const fitness = trained.filter((r) => r.status === 'succeeded').map((r) => r.best.fitness_mean);
      passed.forEach((code, i) => log(`${name} ${model}: ${termsText(code)} -> ${fitness[i]?.toFixed(1) ?? trained[i].status}`));
      rows.push(
        `| ${name} | ${model} | ${k} | ${genS.toFixed(1)} | ${(tokens / genS).toFixed(1)} | ${passed.length}/${k} | ${fitness.filter((f) => f > random).length}/${passed.length} (random ${random.toFixed(1)}) | ` +
          `${fitness.filter((f) => f >= ownFitness).length}/${passed.length} | ${Math.max(...fitness).toFixed(1)} | ${ownFitness.toFixed(1)} |`,
      );
    }
  }
  await worker.shutdown();
  console.log('| env | model | samples | generation s | completion tokens/s | pass checks + smoke | train above random | reach the own reward | best fitness | env\'s own reward |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

/** One CartPole iteration of the loop (local model, K samples, fixed budget): where the wall time goes. */
async function iteration(k = 4, timesteps = 20_000, repeats = 2) {
  console.log(`| run | K | steps per sample | wall s | LLM s | checks s | training s | overhead s | samples trained | completion tokens/s |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (let r = 0; r < repeats; r++) {
    const dir = tmp();
    const run = api.Run.create(path.join(root, 'configs', 'cartpole.yml'), {
      cwd: root,
      dir: path.join(dir, 'run'),
      overrides: { backend: 'local', iterations: 1, samples: k, timesteps },
    });
    await run.describe();
    const it = await run.runIteration(0);
    const calls = fs.readFileSync(path.join(run.dir, 'llm_calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const tokens = calls.reduce((a, c) => a + c.completion_tokens, 0);
    const llmBusyS = calls.reduce((a, c) => a + c.ms, 0) / 1000; // the local model answers one call at a time
    const t = it.time;
    const overheadS = t.total_s - t.llm_s - t.check_s - t.train_s;
    console.log(`| ${r + 1} | ${k} | ${timesteps} | ${t.total_s.toFixed(1)} | ${t.llm_s.toFixed(1)} | ${t.check_s.toFixed(1)} | ${t.train_s.toFixed(1)} | ${overheadS.toFixed(1)} | ${it.counts.trained ?? 0} (+${it.counts.duplicate ?? 0} duplicate) | ${(tokens / llmBusyS).toFixed(1)} |`);
  }
  await api.shutdownWorker();
}

const [what, ...rest] = process.argv.slice(2);
const jobs = { reflection: () => reflectionBench(api, rest[0], process.env.BENCH_SEEDS ? process.env.BENCH_SEEDS.split(',').map(Number) : [0, 1, 2, 3, 4]), ray: () => rayBench(api, root, python, REPEATS ?? 3), halving: () => halving(api, root, rest.length ? rest : undefined), 'halving-replay': () => replay(api, rest[0]), iteration: () => iteration(), local: () => local(rest.length ? rest : undefined), overhead: () => overhead(rest.length ? rest : undefined), layers: () => layers(rest.length ? rest : undefined), latency: () => latency(), parallel: () => parallel(), solve: () => solve(rest.length ? rest : ['cartpole']) };
if (!jobs[what]) {
  log(`usage: node bench/run.mjs ${Object.keys(jobs).join('|')} [names...]`);
  process.exit(2);
}
await jobs[what]();
