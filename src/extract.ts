/**
 * An LLM response in, the reward code out, or a precise reason why there is none.
 *
 * Handles what models actually send: ```python / ```py / ```Python3 / bare ``` / ~~~ fences,
 * several blocks of which one defines the reward, a last fence the model never closed, prose
 * around a function without any fence, and a reward written as a method inside a class.
 */

export type Extraction =
  | { ok: true; code: string; from: 'fence' | 'text'; notes: string[] }
  | { ok: false; reason: string };

const REWARD_DEF = /^([ \t]*)def[ \t]+compute_reward[ \t]*\(/m;
const PYTHON_LANGS = new Set(['', 'python', 'py', 'python3', 'py3', 'ipython', 'python-repl']);

interface Block {
  lang: string;
  body: string;
  closed: boolean;
}

/** Fenced blocks in order; an unclosed last fence runs to the end of the response. */
export function fencedBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split(/\r?\n/);
  let open: { fence: string; lang: string; body: string[] } | null = null;
  for (const line of lines) {
    const m = /^[ \t]*(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/.exec(line);
    if (open) {
      if (m && m[1]![0] === open.fence[0] && m[1]!.length >= open.fence.length && !m[2]) {
        blocks.push({ lang: open.lang, body: open.body.join('\n'), closed: true });
        open = null;
      } else {
        open.body.push(line);
      }
    } else if (m) {
      open = { fence: m[1]!, lang: m[2]!.toLowerCase(), body: [] };
    }
  }
  if (open) blocks.push({ lang: open.lang, body: open.body.join('\n'), closed: false });
  return blocks;
}

function dedent(text: string): string {
  const lines = text.split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(cut, /^[ \t]*/.exec(l)![0].length))).join('\n');
}

const indentOf = (line: string) => /^[ \t]*/.exec(line)![0].length;

/**
 * When compute_reward is indented (a method inside `class ...:`, or an indented snippet),
 * lift the function out: its lines up to the first line indented no deeper than its `def`,
 * dedented, with the block's top-level imports kept in front.
 */
function liftFunction(code: string, notes: string[]): string {
  const m = REWARD_DEF.exec(code);
  if (!m || m[1]!.length === 0) return code;
  const lines = code.split('\n');
  const start = code.slice(0, m.index).split('\n').length - 1;
  const depth = m[1]!.length;
  // decorators directly above belong to the function
  let first = start;
  while (first > 0 && lines[first - 1]!.trim().startsWith('@') && indentOf(lines[first - 1]!) === depth) first--;
  let end = start + 1;
  while (end < lines.length && (!lines[end]!.trim() || indentOf(lines[end]!) > depth)) end++;
  const imports = lines.filter((l, i) => (i < first || i >= end) && /^(import|from)\s+\S/.test(l));
  const enclosing = lines.slice(0, start).reverse().find((l) => /^\s*class\s+\w+/.test(l) && indentOf(l) < depth);
  notes.push(
    enclosing
      ? `compute_reward was a method of \`${enclosing.trim().replace(/:\s*$/, '')}\`; it was taken out of the class.`
      : 'compute_reward was indented; it was dedented.',
  );
  const fn = dedent(lines.slice(first, end).join('\n')).trimEnd();
  return (imports.length ? imports.join('\n') + '\n\n\n' : '') + fn + '\n';
}

/** A line that can stand at the top level of a Python module (not prose). */
function looksLikeTopLevelCode(line: string): boolean {
  return /^(import\s|from\s+\S+\s+import\s|def\s|class\s|@|#|if\s|for\s|while\s|try:|with\s|return\b|"""|'''|[A-Za-z_][\w.]*(\[[^\]]*\])?\s*(=|\+=|-=|\*=|:))/.test(line);
}

/** Without fences: the run of code-like lines around the `def compute_reward`. */
function codeRegion(text: string): string {
  const lines = text.split(/\r?\n/);
  const defLine = lines.findIndex((l) => /^\s*def\s+compute_reward\s*\(/.test(l));
  const isCode = (l: string) => !l.trim() || /^[ \t]+\S/.test(l) || looksLikeTopLevelCode(l);
  let first = defLine;
  while (first > 0 && isCode(lines[first - 1]!)) first--;
  let last = defLine;
  while (last + 1 < lines.length && isCode(lines[last + 1]!)) last++;
  return lines.slice(first, last + 1).join('\n').trim() + '\n';
}

export function extractReward(response: string): Extraction {
  if (!response.trim()) return { ok: false, reason: 'the response is empty.' };
  const notes: string[] = [];
  const blocks = fencedBlocks(response);
  const withReward = blocks.filter((b) => REWARD_DEF.test(b.body));
  if (withReward.length > 0) {
    const python = withReward.filter((b) => PYTHON_LANGS.has(b.lang));
    const chosen = (python.length ? python : withReward).at(-1)!;
    if (withReward.length > 1) notes.push(`${withReward.length} code blocks define compute_reward; the last one was used.`);
    if (!PYTHON_LANGS.has(chosen.lang)) notes.push(`the reward was in a block marked '${chosen.lang}'.`);
    if (!chosen.closed) notes.push('the last code block was never closed (the response may be cut off).');
    return { ok: true, code: liftFunction(chosen.body.replace(/\s+$/, '') + '\n', notes), from: 'fence', notes };
  }
  if (REWARD_DEF.test(response)) {
    if (blocks.length) notes.push('the code blocks do not define compute_reward; it was found in the text around them.');
    return { ok: true, code: liftFunction(codeRegion(response), notes), from: 'text', notes };
  }
  if (blocks.length) {
    const langs = [...new Set(blocks.map((b) => b.lang || 'unlabelled'))].join(', ');
    const defs = [...new Set(blocks.flatMap((b) => [...b.body.matchAll(/^\s*def\s+(\w+)\s*\(/gm)].map((x) => x[1])))];
    return {
      ok: false,
      reason:
        `the response has ${blocks.length} code block${blocks.length > 1 ? 's' : ''} (${langs}) but none defines \`def compute_reward(...)\`` +
        (defs.length ? `; functions defined: ${defs.join(', ')}.` : '.'),
    };
  }
  return { ok: false, reason: 'the response has no code block and no `def compute_reward(...)`.' };
}
