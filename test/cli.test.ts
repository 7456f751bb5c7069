/**
 * The CLI as a user runs it: the bin entry, from other directories, with real configs, env
 * folders and training; exit codes and messages on bad input.
 */
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { num, table } from '../src/cli/format';
import { configsDir, envsDir, repoRoot, rewardsDir, tempDir } from './helpers';

const bin = path.join(repoRoot, 'bin', 'stable-eureka.cjs');
const cli = (args: string[], cwd = repoRoot) => execa(process.execPath, [bin, ...args], { cwd, reject: false, all: true });
const fixture = path.join(repoRoot, 'test', 'fixtures', 'stable_eureka_format');

describe("the commands' formatting", () => {
  it('prints every missing or non-finite number as n/a, the same in every command', () => {
    expect(num(1.23456)).toBe('1.23');
    expect(num(-0.5, 1)).toBe('-0.5');
    expect(num(0, 3)).toBe('0.000');
    for (const x of [null, undefined, NaN, Infinity, -Infinity]) expect(num(x)).toBe('n/a');
  });

  it('aligns a table without padding its last column', () => {
    expect(table([['a', 'bb', 'c'], ['ccc', 'd', 'long note']])).toBe('a    bb  c\nccc  d   long note');
  });
});

describe('stable-eureka check', () => {
  it('passes a good reward against an env folder, from another directory', async () => {
    const r = await cli(['check', path.join(envsDir, 'cartpole'), path.join(rewardsDir, 'good.py')], tempDir());
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^PASS .*good\.py: def compute_reward\(self, cart_position.*returns components upright, centered/);
    expect(r.stdout).toMatch(/smoke run: 2000 random steps/);
  });

  it('fails a bad reward with exit 1, the stage, line and reason', async () => {
    const r = await cli(['check', path.join(envsDir, 'cartpole'), path.join(rewardsDir, 'imports_os.py')]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/FAIL .*imports_os\.py \(forbidden\):\n {2}line 1: `import os` is not allowed/);
  });

  it('prints the verdict as JSON with --json and takes a config as target', async () => {
    const r = await cli(['check', path.join(configsDir, 'cartpole.yml'), path.join(envsDir, 'cartpole', 'initial_reward_prompt.txt'), '--json']);
    expect(r.exitCode).toBe(0);
    const verdict = JSON.parse(r.stdout);
    expect(verdict).toMatchObject({ passed: true, stage: 'ok' });
    expect(verdict.components.length).toBeGreaterThan(0);
  });

  it('runs on the Ray cluster --ray-address names, and says so clearly when there is none', async () => {
    const r = await cli(['check', path.join(envsDir, 'cartpole'), path.join(rewardsDir, 'good.py'), '--ray-address', '127.0.0.1:1'], tempDir());
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toMatch(/127\.0\.0\.1:1[\s\S]*ray start --head/);
    const bad = await cli(['check', path.join(envsDir, 'cartpole'), path.join(rewardsDir, 'good.py'), '--executor', 'slurm']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/expected one of local, ray/);
  });

  it('names a missing env folder with exit 2', async () => {
    const r = await cli(['check', path.join(envsDir, 'nope'), path.join(rewardsDir, 'good.py')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/error: env folder .*envs\/nope does not exist/);
  });

  it('names a missing reward file with exit 2', async () => {
    const r = await cli(['check', path.join(envsDir, 'cartpole'), 'no_such_reward.py']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/reward file .*no_such_reward\.py does not exist/);
  });

  it('--class picks a class and names a wrong one', async () => {
    const r = await cli(['check', path.join(envsDir, 'cartpole'), path.join(rewardsDir, 'good.py'), '--class', 'Nope']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/no class named 'Nope'/);
  });
});

describe('stable-eureka train', () => {
  it('trains with a progress report and prints one JSON object as the last line', async () => {
    const out = tempDir();
    const r = await cli([
      'train',
      path.join(configsDir, 'cartpole.yml'),
      '--reward',
      path.join(envsDir, 'cartpole', 'initial_reward_prompt.txt'),
      '--timesteps',
      '3000',
      '--out',
      out,
      '--json',
    ]);
    expect(r.exitCode, r.all).toBe(0);
    const last = r.stdout.trim().split('\n').pop()!;
    const result = JSON.parse(last);
    expect(result.status).toBe('succeeded');
    expect(result.timesteps).toBeGreaterThanOrEqual(3000);
    expect(result.best_model).toBe(path.join(out, 'best_model.zip'));
    expect(fs.existsSync(result.best_model)).toBe(true);
    expect(r.stderr).toMatch(/eval @ \d+ steps: fitness [\d.]+ \(best [\d.]+\)/);
    expect(r.stderr).toMatch(/best fitness: +[\d.]+ at \d+ steps/);

    // the saved model evaluates on seeded episodes and renders a GIF
    const gif = path.join(out, 'policy.gif');
    const ev = await cli([
      'evaluate',
      path.join(configsDir, 'cartpole.yml'),
      '--reward',
      path.join(envsDir, 'cartpole', 'initial_reward_prompt.txt'),
      '--model',
      result.best_model,
      '--episodes',
      '3',
      '--gif',
      gif,
    ]);
    expect(ev.exitCode, ev.all).toBe(0);
    expect(ev.stdout).toMatch(/^fitness [\d.]+ ± [\d.]+ over 3 episodes \(min [\d.]+, max [\d.]+\)\ngif: .*policy\.gif \(\d+ frames\)/);
    expect(fs.readFileSync(gif).subarray(0, 6).toString('latin1')).toBe('GIF89a');
  });

  it('describes an env folder as JSON', async () => {
    const r = await cli(['describe', path.join(envsDir, 'lunar_lander'), '--json']);
    expect(r.exitCode).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.class_name).toBe('LunarLander');
    expect(d.action_type).toBe('discrete');
    expect(d.call_site.args).toContain('prev_shaping');
    expect(d.step_code_source).toBe('step.py');
  });

  it('trains stable-eureka\'s own format unchanged (device cuda, torch_compile) from the config folder', async () => {
    const out = tempDir();
    const r = await cli(
      ['train', 'configs/mountain_car_continuous.yml', '--reward', 'reward.py', '--timesteps', '2048', '--out', out],
      fixture,
    );
    expect(r.exitCode, r.all).toBe(0);
    // the config asks for cuda: it gets the GPU where there is one, and a warning and the CPU elsewhere
    const { python } = JSON.parse(fs.readFileSync(path.join(repoRoot, '.stable-eureka', 'python.json'), 'utf8')) as { python: string };
    const cuda = (await execa(python, ['-c', 'import torch; print(torch.cuda.is_available())'])).stdout.trim() === 'True';
    expect(r.stdout).toMatch(cuda ? /trained \d+ steps .*ppo on cuda/ : /trained \d+ steps .*ppo on cpu/);
    if (!cuda) expect(r.stdout).toMatch(/warning: device 'cuda' asked for, but no CUDA GPU is available/);
    expect(r.stdout).toMatch(/final fitness: -?[\d.]+/);
  });

  it('names the file and key of a config error with exit 2', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.yml');
    fs.writeFileSync(bad, fs.readFileSync(path.join(configsDir, 'cartpole.yml'), 'utf8').replace(/\brl:\n(\s+)algo:/, 'rl:\n$1algo: ppo2\n$1algoo:'));
    const r = await cli(['train', bad, '--reward', path.join(rewardsDir, 'good.py')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${bad}: rl.algo`);
  });

  it('exits 1 with the reason when the reward crashes during training', async () => {
    const r = await cli([
      'train',
      path.join(configsDir, 'cartpole.yml'),
      '--reward',
      path.join(rewardsDir, 'raises_at_step_1000.py'),
      '--timesteps',
      '4096',
      '--out',
      tempDir(),
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/training failed in phase train: compute_reward raised ValueError: step budget exceeded \(reward line 4\)/);
  });
});

describe('stable-eureka check on a whole LLM response', () => {
  it('extracts the reward from the response before checking it', async () => {
    const dir = tempDir();
    const response = path.join(dir, 'response.md');
    const good = fs.readFileSync(path.join(rewardsDir, 'good.py'), 'utf8');
    fs.writeFileSync(response, `Here is a reward that keeps the pole upright.\n\n\`\`\`Python\n${good}\`\`\`\n\nIt has two components.`);
    const r = await cli(['check', path.join(envsDir, 'cartpole'), response]);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/PASS .*response\.md: def compute_reward/);
  });

  it('fails with the reason when the response has no reward', async () => {
    const response = path.join(tempDir(), 'response.md');
    fs.writeFileSync(response, 'Sorry, here is some JSON:\n```json\n{"reward": 1}\n```');
    const r = await cli(['check', path.join(envsDir, 'cartpole'), response, '--json']);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ passed: false, stage: 'extract' });
    expect(JSON.parse(r.stdout).errors[0].message).toBe('the response has 1 code block (json) but none defines `def compute_reward(...)`.');
  });
});

describe('stable-eureka run / report / feedback on bad input', () => {
  it('names a folder that is not a run, with exit 2', async () => {
    const dir = tempDir();
    for (const args of [['run', '--resume', dir], ['report', dir], ['feedback', dir, '--iteration', '0', '--text', 'x']]) {
      const r = await cli(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/is not a run folder|no run\.json/);
    }
  });

  it('asks for a config or --resume, and rejects an unknown backend', async () => {
    expect((await cli(['run'])).stderr).toMatch(/give a config file, or --resume/);
    const r = await cli(['run', path.join(configsDir, 'cartpole.yml'), '--backend', 'gemini']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/expected one of ollama, openai, local/);
  });

  it('names the key of a bad config before anything runs', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.yml');
    fs.writeFileSync(bad, fs.readFileSync(path.join(configsDir, 'cartpole.yml'), 'utf8').replace('samples: 8', 'sampels: 8'));
    const r = await cli(['run', bad], dir);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bad\.yml: eureka\.sampels: unknown key 'sampels'\. Did you mean 'samples'\?/);
    expect(fs.existsSync(path.join(dir, 'experiments'))).toBe(false);
  });
});

describe('stable-eureka kernel', () => {
  it('installs a kernelspec with absolute paths and our preload, and uninstalls it', async () => {
    const dataDir = tempDir();
    const installed = await cli(['kernel', 'install', '--data-dir', dataDir], tempDir());
    expect(installed.exitCode, installed.stderr).toBe(0);
    const spec = JSON.parse(fs.readFileSync(path.join(dataDir, 'kernels', 'stable-eureka-ts', 'kernel.json'), 'utf8'));
    expect(spec.display_name).toBe('Stable Eureka (TypeScript)');
    expect(spec.argv.slice(0, 3)).toEqual([process.execPath, '-r', path.join(repoRoot, 'kernel-ext', 'preload.cjs')]);
    for (const p of spec.argv.slice(0, 4)) if (p !== '-r') expect(path.isAbsolute(p) && fs.existsSync(p), p).toBe(true);
    const removed = await cli(['kernel', 'uninstall', '--data-dir', dataDir]);
    expect(removed.stdout).toMatch(/removed .*stable-eureka-ts/);
    expect(fs.existsSync(path.join(dataDir, 'kernels', 'stable-eureka-ts'))).toBe(false);
  });
});

describe('stable-eureka demo', () => {
  it("tells the story: the env's own reward first, each iteration's best beside it by its terms, then what to try next", async () => {
    const out = path.join(tempDir('se-demo-'), 'run');
    // the demo's own config, at a tiny budget
    const r = await cli(['demo', '--iterations', '1', '--samples', '1', '--timesteps', '2048', '--out', out]);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stderr).toContain("first, CartPole-v1 trained with the env's own reward, the same way, to compare each iteration's best with");
    const story = /iteration 0: the best reward is sample 0, fitness ([\d.,-]+); the env's own reward: ([\d.,-]+) \(every sample: 0: ([\d.,-]+)\)\n((?: {2}.+\n?)+)/.exec(r.stderr);
    expect(story, r.stderr).not.toBeNull();
    // the reward's code, its terms named for what they compute
    expect(story![4]).toContain('components = {');
    const terms = [...story![4]!.matchAll(/^\s+"(\w+)": -?[\d.e-]+ \* /gm)].map((m) => m[1]!);
    expect(terms.length, story![4]).toBeGreaterThan(0);
    expect(story![3]).toBe(story![1]);
    const value = '(cart_position|cart_velocity|pole_angle|pole_angular_velocity|action)';
    for (const t of terms) expect(t).toMatch(new RegExp(`^(change_)?((abs|square|near_zero)_${value}|${value}(_within_\\d_\\d+)?)$|^terminated$`));
    expect(r.stdout).toContain('What to try next:');
    expect(r.stdout).toMatch(/benchmark: +CartPole-v1 with its own reward: fitness/);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'))).toMatchObject({ backend: 'local', model: 'gemma-3-270m', samples: 1 });
  }, 300_000);

  it('names the embedded models when asked for another', async () => {
    const r = await cli(['demo', '--model', 'gemma3', '--out', path.join(tempDir('se-demo-'), 'run')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("eureka.model: 'gemma3' is not an embedded model, with backend 'local': gemma-3-270m or SmolLM2-135M-Instruct");
  });
});
