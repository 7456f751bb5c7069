/**
 * Plain files, written so a kill at any instant leaves either the old or the new content:
 * whole files go through a temporary file and a rename; logs are appended one line per write
 * (a torn last line is skipped on reading).
 */
import fs from 'node:fs';
import path from 'node:path';

export function writeText(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

export function writeJson(file: string, data: unknown): void {
  writeText(file, JSON.stringify(data, null, 2) + '\n');
}

export function appendJsonl(file: string, data: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, JSON.stringify(data) + '\n');
}

export function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export function readJson<T>(file: string): T | null {
  const text = readText(file);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); restore it or delete it to redo that step`);
  }
}

/** Every complete JSON line; a line cut short by a kill is skipped. */
export function readJsonl<T>(file: string): T[] {
  const text = readText(file);
  if (!text) return [];
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // a torn last line
    }
  }
  return out;
}

export function copyFile(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = `${to}.${process.pid}.tmp`;
  fs.copyFileSync(from, tmp);
  fs.renameSync(tmp, to);
}
