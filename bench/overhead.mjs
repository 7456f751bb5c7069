// Our worker against plain SB3 on this machine, where the speed of the same code moves by 5-10%
// from one process to the next and from one minute to the next (bench/RESULTS.md). Each round
// starts a fresh worker (a worker's jobs fork from one forkserver and share its memory layout,
// which moved their speed by a few percent from one worker start to the next, as fresh processes
// do for plain SB3), then runs plain SB3 on the same task, ours, and plain SB3 on the gymnasium
// env one after the other, in alternating order (so drift within a round falls on both sides).
// Printed: the median ratio, the middle half and the range of the rounds' ratios.
//   [BENCH_REPEATS=9] node bench/run.mjs overhead [configs...]
import { api, load, log, median, ours, OVERHEAD_STEPS, plain, REPEATS, spread } from './common.mjs';

const middleHalf = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.round(q * (s.length - 1))];
  return `${at(0.25).toFixed(3)}-${at(0.75).toFixed(3)}`;
};

/** One round: a fresh, warm worker; the three runs, forwards or backwards. */
async function round(loaded, steps, backwards) {
  const worker = await api.PythonWorker.start({ maxJobs: 1 });
  await ours(worker, loaded, 256); // the forkserver warm, as in a session
  const runs = {
    same: async () => (await plain(loaded, steps, true)).steps_per_s,
    // training alone: the job reports its one evaluation episode at the end apart
    ours: async () => (await ours(worker, loaded, steps)).train_steps_per_s,
    gym: async () => (await plain(loaded, steps, false)).steps_per_s,
  };
  const out = {};
  for (const k of backwards ? ['gym', 'ours', 'same'] : ['same', 'ours', 'gym']) out[k] = await runs[k]();
  await worker.shutdown();
  return out;
}

export async function overhead(names = ['cartpole', 'lunar_lander'], repeats = REPEATS ?? 9) {
  // Plain SB3 on the same task: the env folder's env and reward (what the worker and its
  // containment cost); on the gymnasium env: what computing a reward in Python adds besides.
  console.log('| env | steps | rounds | plain SB3, same task: steps/s | ours steps/s | **ours / plain same task: median** | middle half | range | extra us per step | ours / plain gymnasium env: median (range) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const name of names) {
    const loaded = load(name);
    const n = OVERHEAD_STEPS[name] ?? 50_000;
    const rounds = [];
    for (let i = 0; i < repeats; i++) {
      const r = await round(loaded, n, i % 2 === 1);
      rounds.push(r);
      log(`${name} round ${i + 1}: plain same task ${r.same.toFixed(0)}, ours ${r.ours.toFixed(0)} (${(r.same / r.ours).toFixed(3)}), plain gymnasium ${r.gym.toFixed(0)} steps/s`);
    }
    const same = rounds.map((r) => r.same / r.ours);
    const gym = rounds.map((r) => r.gym / r.ours);
    const sm = median(rounds.map((r) => r.same));
    const om = median(rounds.map((r) => r.ours));
    console.log(
      `| ${name} | ${n} | ${repeats} | ${sm.toFixed(0)} | ${om.toFixed(0)} | **${median(same).toFixed(3)}** | ${middleHalf(same)} | ${spread(same)} | ${(1e6 / om - 1e6 / sm).toFixed(1)} | ${median(gym).toFixed(3)} (${spread(gym)}) |`,
    );
  }
}
