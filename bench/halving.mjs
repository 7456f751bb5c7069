// Successive halving against full training, on the same rewards (bench/halving/<env>/*.py):
// for each env and seed, one iteration of the eight rewards trained with `full`, then with
// `halving` (each a real run: the rewards added as a person's samples, checked, trained by the
// worker), the env steps and wall time of each, and whether halving selects the same best
// sample (or one whose best fitness is within 5% of it).
//   node bench/run.mjs halving [envs...]      (BENCH_SEEDS=3 or a list 0,2; BENCH_HALVING='{"eta":3,"min_fraction":0.3}'; the defaults otherwise)
// Training is deterministic (seeded, one torch thread): a sample that halving lets go on
// learns exactly as in the full run, evaluation for evaluation, and the command checks that on
// every sample (the curves of the halving run against the full run's, up to its stops). So
// BENCH_FULL_RUNS=<log of an earlier run of this command> reuses that log's `full` runs of the
// same env, seed, budget and rewards instead of training them again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

/** Budgets small enough for two cores; the configs' own algorithms and evaluation schedules. */
// LunarLander at 300k: at 100k no reward lands and the best sample of a full run was an
// evaluation's luck (5 episodes, standard deviation 40-140 around means below 0).
const BUDGETS = { cartpole: 30_000, acrobot: 30_000, mountain_car_continuous: 10_000, lunar_lander: 300_000 };
const ORDER = ['human', 'sparse', 'badly_scaled', 'hacked', 'shaped_a', 'shaped_b', 'shaped_c', 'shaped_d'];

function configFor(root, name, seed, selection, halving, dir) {
  const doc = YAML.parse(fs.readFileSync(path.join(root, 'configs', `${name}.yml`), 'utf8'));
  doc.eureka = { ...doc.eureka, backend: 'local', iterations: 1, samples: ORDER.length, selection, halving };
  doc.environment = { ...doc.environment, env_dir: path.join(root, 'envs', name), benchmark: null };
  doc.experiment = { ...doc.experiment, parent: dir, name: selection, use_datetime: false };
  doc.rl.training = { ...doc.rl.training, seed, total_timesteps: BUDGETS[name], max_parallel: ORDER.length };
  doc.rl.evaluation = { ...doc.rl.evaluation, save_gif: false };
  const file = path.join(dir, `${selection}.yml`);
  fs.writeFileSync(file, YAML.stringify(doc));
  return file;
}

/** The runs a log of this command names: env, seed and the folders of its full and halving runs. */
function loggedRuns(file) {
  return [...fs.readFileSync(file, 'utf8').matchAll(/(\S+) seed (\d+): runs in (\S+) and (\S+)/g)].map((m) => ({ name: m[1], seed: Number(m[2]), full: m[3], halving: m[4] }));
}

/** What a finished run of this bench says. */
function summary(run) {
  const samples = run.samples(0);
  const steps = samples.reduce((a, s) => a + (s.train?.timesteps ?? 0), 0);
  const stopped = samples.filter((s) => s.status === 'stopped').map((s) => ORDER[s.sample]);
  const failed = samples.filter((s) => !['trained', 'stopped'].includes(s.status)).map((s) => `${ORDER[s.sample]} ${s.status}`);
  return { run, steps, best: run.select(0), stopped, failed, dir: run.dir };
}

/** A `full` run of an earlier log for the same env, seed, budget and rewards, if there is one. */
function reusable(api, root, name, seed) {
  const file = process.env.BENCH_FULL_RUNS;
  if (!file) return null;
  const logged = loggedRuns(file).find((x) => x.name === name && x.seed === seed);
  if (!logged || !fs.existsSync(logged.full)) return null;
  const r = summary(api.Run.open(logged.full));
  const sameRewards = ORDER.every((reward, j) => fs.readFileSync(path.join(root, 'bench', 'halving', name, `${reward}.py`), 'utf8').trim() === r.run.sample(0, j)?.code?.trim());
  return r.run.config.rl.training.total_timesteps === BUDGETS[name] && sameRewards ? { ...r, wall: NaN, reused: true } : null;
}

/** Whether every sample of the halving run learned as in the full run, up to where it stopped. */
function sameCurves(full, half) {
  return full.run.samples(0).every((s) => {
    const a = full.run.evals(0, s.sample);
    const b = half.run.evals(0, s.sample);
    return b.every((e, k) => a[k] && a[k].timesteps === e.timesteps && a[k].fitness_mean === e.fitness_mean);
  });
}

async function oneRun(api, root, name, seed, selection, halving, worker) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `se-halving-${name}-`));
  const run = api.Run.create(configFor(root, name, seed, selection, halving, dir), { cwd: dir, worker });
  for (const reward of ORDER) run.addEdit(0, fs.readFileSync(path.join(root, 'bench', 'halving', name, `${reward}.py`), 'utf8'), { note: reward });
  const start = performance.now();
  await run.runSamples(0, { selection });
  const wall = (performance.now() - start) / 1000;
  return { ...summary(run), wall };
}

export async function halving(api, root, names = Object.keys(BUDGETS)) {
  // BENCH_SEEDS=3 (seeds 0, 1, 2) or a list: BENCH_SEEDS=1,2
  const given = process.env.BENCH_SEEDS ?? '3';
  const seeds = given.includes(',') ? given.split(',').map(Number) : Array.from({ length: Number(given) }, (_, k) => k);
  const settings = process.env.BENCH_HALVING ? JSON.parse(process.env.BENCH_HALVING) : { eta: 4, min_fraction: 0.25 }; // the config's defaults
  const log = (s) => process.stderr.write(s + '\n');
  const worker = await api.PythonWorker.start({ maxJobs: ORDER.length });
  console.log(`halving: eta ${settings.eta}, min_fraction ${settings.min_fraction}; ${ORDER.length} rewards, all training at once`);
  console.log('| env | seed | steps full | steps halving | ratio | wall full s | wall halving s | best full (fitness) | best halving (fitness) | same | stopped |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  let stepsFull = 0;
  let stepsHalving = 0;
  let same = 0;
  let cases = 0;
  let deterministic = 0;
  for (const name of names) {
    for (const seed of seeds) {
      const full = reusable(api, root, name, seed) ?? (await oneRun(api, root, name, seed, 'full', settings, worker));
      const half = await oneRun(api, root, name, seed, 'halving', settings, worker);
      for (const [label, r] of [['full', full], ['halving', half]]) if (r.failed.length) log(`${name} seed ${seed} ${label}: not trained: ${r.failed.join(', ')}`);
      const alike = sameCurves(full, half);
      deterministic += alike ? 1 : 0;
      log(`${name} seed ${seed}: runs in ${full.dir} and ${half.dir}${full.reused ? ' (full reused)' : ''}; curves as in the full run: ${alike ? 'yes' : 'NO'}`);
      const fb = full.best;
      const hb = half.best;
      const ok = !!fb && !!hb && (fb.sample === hb.sample || Math.abs(hb.fitness - fb.fitness) <= 0.05 * Math.abs(fb.fitness));
      stepsFull += full.steps;
      stepsHalving += half.steps;
      same += ok ? 1 : 0;
      cases++;
      const fmt = (b) => (b ? `${ORDER[b.sample]} (${b.fitness.toFixed(1)})` : '-');
      console.log(
        `| ${name} | ${seed} | ${full.steps} | ${half.steps} | ${(half.steps / full.steps).toFixed(2)} | ${full.reused ? 'reused' : full.wall.toFixed(0)} | ${half.wall.toFixed(0)} | ${fmt(fb)} | ${fmt(hb)} | ${ok ? 'yes' : 'no'} | ${half.stopped.join(', ')} |`,
      );
    }
  }
  await worker.shutdown();
  log(`halving runs that learned as their full runs, sample for sample: ${deterministic}/${cases}`);
  console.log(`steps ratio ${(stepsHalving / stepsFull).toFixed(2)}, same best ${same}/${cases}`);
}

/**
 * Halving replayed on the curves of `full` runs (their folders, as `halving` logs them): what
 * other eta / min_fraction would have stopped and chosen, all samples arriving in step (no lag
 * from uneven arrival, which the real runs have). For tuning the defaults on the same figures.
 *   node bench/run.mjs halving-replay <file with the log of a halving run>
 */
export function replay(api, logFile, grid = [[3, 0.25], [3, 0.2], [3, 0.3], [3, 0.35], [3, 0.4], [4, 0.25], [4, 0.3], [4, 0.4], [2, 0.25], [2, 0.3], [2, 0.4], [2, 0.5]]) {
  const { Rungs, rungSteps } = api;
  const runs = loggedRuns(logFile).map((x) => api.Run.open(x.full));
  console.log(`replayed on ${runs.length} full runs`);
  console.log('| eta | min_fraction | steps ratio (no lag) | same best |');
  console.log('|---|---|---|---|');
  for (const [eta, minFraction] of grid) {
    const settings = { eta, min_fraction: minFraction };
    let full = 0;
    let half = 0;
    let same = 0;
    for (const run of runs) {
      const t = run.config.rl.training;
      const samples = run.samples(0);
      const curves = samples.map((s) => run.evals(0, s.sample));
      const rungs = new Rungs(rungSteps(t.total_timesteps, t.eval.num_evals, settings), settings, samples.length);
      samples.forEach((s) => rungs.start(s.sample));
      const stoppedAt = new Map();
      const events = curves.flatMap((c, j) => c.map((e, k) => ({ j, e, k }))).sort((a, b) => a.e.timesteps - b.e.timesteps || a.j - b.j);
      for (const { j, e, k } of events) {
        if (stoppedAt.has(j)) continue;
        const top = api.peak(curves[j].slice(0, k + 1));
        for (const d of rungs.judge(j, e.timesteps, { fitness: top.fitness_mean, timesteps: top.timesteps })) if (d.decision === 'stop' && !stoppedAt.has(d.sample)) stoppedAt.set(d.sample, e.timesteps);
      }
      const trained = samples.map((s) => s.train?.timesteps ?? 0);
      full += trained.reduce((a, b) => a + b, 0);
      half += trained.map((n, j) => (stoppedAt.has(j) ? stoppedAt.get(j) : n)).reduce((a, b) => a + b, 0);
      const pick = (cut) => api.selectBest(samples.map((s, j) => ({ sample: j, evals: curves[j].filter((e) => !cut || !stoppedAt.has(j) || e.timesteps <= stoppedAt.get(j)) })));
      const a = pick(false);
      const b = pick(true);
      const fa = api.peak(a.evals).fitness_mean;
      const fb = api.peak(b.evals).fitness_mean;
      same += a.sample === b.sample || Math.abs(fb - fa) <= 0.05 * Math.abs(fa) ? 1 : 0;
    }
    console.log(`| ${eta} | ${minFraction} | ${(half / full).toFixed(3)} | ${same}/${runs.length} |`);
  }
}
