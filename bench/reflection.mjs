// Does the reflection steer the embedded model? The demo's loop (its K and iterations) on an
// env at a small budget, over several seeds, once as shipped and once with every iteration
// asked the first prompt again (no previous reward, no reflection); best fitness per iteration.
// Every sample trains to the full budget (selection: full), so both arms are judged alike.
//   [BENCH_SEEDS=0,1,2,3,4] [BENCH_LOCAL_MODEL=name] [BENCH_ARMS=with,without] node bench/run.mjs reflection [env, default mountain_car_continuous]
// (BENCH_ARMS=with reruns only the arm that a change of the steer can move)
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { LOCAL_STEPS, log, root, termsText, tmp } from './common.mjs';

/** The embedded backend, asked only the first prompt: what the loop would be without reflection. */
function withoutReflection(backend) {
  return {
    name: backend.name,
    model: backend.model,
    generate: (messages, opts) => backend.generate(messages.slice(0, messages.findIndex((m) => m.role === 'user') + 1), opts),
  };
}

/** The env's config with another seed (training and, through it, the LLM's), every sample trained fully, no benchmark or GIF. */
function seededConfig(api, env, seed) {
  const loaded = api.loadConfig(path.join(root, 'configs', `${env}.yml`), { cwd: root });
  const c = structuredClone(loaded.config);
  c.rl.training.seed = seed;
  c.eureka.selection = 'full';
  c.environment.benchmark = null; // the env's own reward at this budget: node bench/run.mjs local
  c.rl.evaluation.save_gif = false;
  c.environment.env_dir = loaded.envDir;
  const dir = tmp();
  const file = path.join(dir, 'config.yml');
  fs.writeFileSync(file, stringify(c));
  return { file, dir };
}

async function loop(api, worker, env, seed, reflection) {
  const { file, dir } = seededConfig(api, env, seed);
  const { iterations, samples } = api.DEMO;
  const timesteps = LOCAL_STEPS[env];
  const model = process.env.BENCH_LOCAL_MODEL || api.DEFAULT_LOCAL_MODEL;
  const backend = new api.LocalBackend({ model });
  const run = api.Run.create(file, {
    cwd: dir,
    dir: path.join(dir, 'run'),
    worker,
    backend: reflection ? backend : withoutReflection(backend),
    overrides: { backend: 'local', model, iterations, samples, timesteps },
  });
  await run.runAll();
  const best = Array.from({ length: iterations }, (_, i) => run.iteration(i)?.best?.fitness ?? NaN);
  const code = run.record.best ? run.sample(run.record.best.iteration, run.record.best.sample)?.code ?? '' : '';
  const terms = termsText(code);
  log(`${env} seed ${seed} ${reflection ? 'with' : 'without'} reflection: ${best.map((f) => f.toFixed(1)).join(', ')}; best ${terms}; final ${run.record.final?.fitness_mean?.toFixed(1)}`);
  return { best, final: run.record.final?.fitness_mean ?? NaN, terms };
}

export async function reflectionBench(api, env = 'mountain_car_continuous', seeds) {
  const worker = await api.PythonWorker.start({ maxJobs: 2 });
  const rows = [];
  const arms = (process.env.BENCH_ARMS || 'with,without').split(',').map((a) => {
    if (a.trim() !== 'with' && a.trim() !== 'without') throw new Error(`BENCH_ARMS: '${a}' is neither 'with' nor 'without'`);
    return a.trim() === 'with';
  });
  for (const seed of seeds) {
    for (const reflection of arms) rows.push({ seed, reflection, ...(await loop(api, worker, env, seed, reflection)) });
  }
  await worker.shutdown();
  const { iterations } = api.DEMO;
  const its = Array.from({ length: iterations }, (_, i) => `iteration ${i} best`);
  console.log(`| seed | reflection | ${its.join(' | ')} | best so far, last iteration | final evaluation | best reward |`);
  console.log(`|---|---|${its.map(() => '---').join('|')}|---|---|---|`);
  const soFar = (b) => Math.max(...b.filter(Number.isFinite));
  for (const r of rows) {
    console.log(`| ${r.seed} | ${r.reflection ? 'with' : 'without'} | ${r.best.map((f) => f.toFixed(1)).join(' | ')} | ${soFar(r.best).toFixed(1)} | ${r.final.toFixed(1)} | ${r.terms} |`);
  }
  for (const reflection of arms) {
    const mine = rows.filter((r) => r.reflection === reflection);
    const mean = (xs) => (xs.reduce((a, x) => a + x, 0) / xs.length).toFixed(1);
    const perIt = Array.from({ length: iterations }, (_, i) => mean(mine.map((r) => r.best[i])));
    console.log(`| mean | ${reflection ? 'with' : 'without'} | ${perIt.join(' | ')} | ${mean(mine.map((r) => soFar(r.best)))} | ${mean(mine.map((r) => r.final))} | |`);
  }
}
