import { describe, expect, it } from 'vitest';
import { extractReward, fencedBlocks } from '../src/extract';

const FN = 'def compute_reward(self, x, action):\n    r = -abs(x)\n    return r, {"distance": r}';

describe('extractReward', () => {
  it.each([
    ['```python', '```'],
    ['```py', '```'],
    ['```Python', '```'],
    ['```PYTHON3', '```'],
    ['```', '```'],
    ['~~~python', '~~~'],
    ['````python', '````'],
  ])('takes the reward from a %s fence with prose around', (open, close) => {
    const r = extractReward(`Here is my reward.\n\n${open}\nimport numpy as np\n\n${FN}\n${close}\n\nIt penalises distance.`);
    expect(r).toEqual({ ok: true, code: `import numpy as np\n\n${FN}\n`, from: 'fence', notes: [] });
  });

  it('picks the block that defines the reward among several', () => {
    const text = `Shape of obs:\n\`\`\`bash\npython run.py\n\`\`\`\nHelper:\n\`\`\`python\nSCALE = 2\n\`\`\`\nReward:\n\`\`\`python\n${FN}\n\`\`\``;
    const r = extractReward(text);
    expect(r.ok && r.code).toBe(`${FN}\n`);
  });

  it('uses the last of several rewards and says so', () => {
    const second = FN.replace('-abs(x)', '-x * x');
    const r = extractReward(`\`\`\`python\n${FN}\n\`\`\`\nBetter:\n\`\`\`python\n${second}\n\`\`\``);
    expect(r.ok && r.code).toBe(`${second}\n`);
    expect(r.ok && r.notes).toEqual(['2 code blocks define compute_reward; the last one was used.']);
  });

  it('finds a function without any fence, keeping its imports and constants, dropping prose', () => {
    const text = `Sure! Below is the function.\nimport math\nSCALE = 0.5\n\n${FN}\n\nThis keeps the cart near the centre.`;
    const r = extractReward(text);
    expect(r).toMatchObject({ ok: true, from: 'text', code: `import math\nSCALE = 0.5\n\n${FN}\n` });
  });

  it('takes a plain Python file as it is', () => {
    const file = `import numpy as np\n\nWEIGHT = 0.1\n\n\ndef helper(v):\n    return v * WEIGHT\n\n\n${FN}\n`;
    expect(extractReward(file)).toMatchObject({ ok: true, code: file });
  });

  it('lifts a reward written as a method out of its class', () => {
    const text = '```python\nimport numpy as np\n\nclass Env:\n    def compute_reward(self, x, action):\n        r = -abs(x)\n        return r, {"distance": r}\n\n    def other(self):\n        pass\n```';
    const r = extractReward(text);
    expect(r.ok && r.code).toBe(`import numpy as np\n\n\n${FN}\n`);
    expect(r.ok && r.notes[0]).toMatch(/was a method of `class Env`/);
  });

  it('accepts a last fence the model never closed, with a note', () => {
    const r = extractReward(`\`\`\`python\n${FN}\n`);
    expect(r.ok && r.code).toBe(`${FN}\n`);
    expect(r.ok && r.notes).toContain('the last code block was never closed (the response may be cut off).');
  });

  it('gives a precise reason when there is no reward', () => {
    expect(extractReward('')).toEqual({ ok: false, reason: 'the response is empty.' });
    expect(extractReward('I cannot help with that.')).toEqual({
      ok: false,
      reason: 'the response has no code block and no `def compute_reward(...)`.',
    });
    expect(extractReward('```python\ndef reward(self, x):\n    return 1\n```\n```json\n{}\n```')).toEqual({
      ok: false,
      reason: 'the response has 2 code blocks (python, json) but none defines `def compute_reward(...)`; functions defined: reward.',
    });
  });
});

describe('fencedBlocks', () => {
  it('keeps a nested shorter fence inside a longer one', () => {
    const blocks = fencedBlocks('````markdown\n```python\nx = 1\n```\n````');
    expect(blocks).toEqual([{ lang: 'markdown', body: '```python\nx = 1\n```', closed: true }]);
  });
});
