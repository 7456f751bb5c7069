/**
 * The README's TypeScript examples compile against the public API (src/index.ts as the
 * package 'stable-eureka'): a renamed or removed export, or a changed signature, fails here
 * before a reader finds out.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from './helpers';

/** The ```ts blocks of the README, in order. */
function examples(): string[] {
  const text = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

describe('the README', () => {
  it('has TypeScript examples that compile against the public API', () => {
    const blocks = examples();
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    const dir = tempDir('se-readme-');
    // what the examples leave to the reader: a reward's code, two samples to compare
    const given = 'declare const code: string;\ndeclare const a: { iteration: number; sample: number };\ndeclare const b: typeof a;\n';
    const files = blocks.map((b, k) => {
      const file = path.join(dir, `example_${k}.mts`);
      fs.writeFileSync(file, `${given}${b}\nexport {};\n`);
      return file;
    });
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      baseUrl: repoRoot,
      paths: { 'stable-eureka': ['src/index.ts'] },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.includes(path.resolve(d.file.fileName)))
      .map((d) => {
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${path.basename(d.file!.fileName)}:${line + 1 - 3}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  }, 120_000);
});
