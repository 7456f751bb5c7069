/**
 * Reward code as HTML: Python highlighted by highlight.js (classes and its GitHub theme's
 * stylesheet on the page, the same theme as inline styles in notebook outputs), and unified
 * diffs of two rewards (text, and HTML in either look).
 */
import fs from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import type { HLJSApi, LanguageFn } from 'highlight.js';
import { esc } from './format';
import { STYLE, type Look } from './look';

let hljs: HLJSApi | null = null;
let hljsCss: string | null = null;

function highlighter(): HLJSApi {
  if (!hljs) {
    // highlight.js's subpath entries carry no types: the core API's type comes from the main entry.
    const core = (require('highlight.js/lib/core') as HLJSApi).newInstance();
    core.registerLanguage('python', require('highlight.js/lib/languages/python') as LanguageFn);
    hljs = core;
  }
  return hljs;
}

function hljsVersion(): string {
  try {
    return (require('highlight.js/package.json') as { version: string }).version;
  } catch {
    return '';
  }
}

/** highlight.js's GitHub theme as a stylesheet for a page ('' when it cannot be read). */
export function highlightCss(): string {
  if (hljsCss === null) {
    try {
      // Its comment names web addresses: dropped, so the page names none.
      const css = fs.readFileSync(require.resolve('highlight.js/styles/github.min.css'), 'utf8');
      hljsCss = `/* highlight.js ${hljsVersion()} theme "GitHub" (BSD-3-Clause) */\n` + css.replace(/\/\*[\s\S]*?\*\//g, '');
    } catch {
      hljsCss = '';
    }
  }
  return hljsCss;
}

/** Python code as highlighted HTML, classes hljs-* (highlight.js escapes the text it wraps). */
export function highlightPython(code: string): string {
  try {
    return highlighter().highlight(code, { language: 'python', ignoreIllegals: true }).value;
  } catch {
    return esc(code);
  }
}

/** highlight.js's GitHub theme (BSD-3-Clause) as inline styles, by the first class of a span. */
const HLJS_STYLES: [RegExp, string][] = [
  [/^hljs-variable language_/, 'color:#d73a49'],
  [/^hljs-(doctag|keyword|template-tag|template-variable|type)\b/, 'color:#d73a49'],
  [/^hljs-title\b/, 'color:#6f42c1'],
  [/^hljs-(attr|attribute|literal|meta|number|operator|selector-attr|selector-class|selector-id|variable)\b/, 'color:#005cc5'],
  [/^hljs-(regexp|string)\b/, 'color:#032f62'],
  [/^hljs-(built_in|symbol)\b/, 'color:#e36209'],
  [/^hljs-(code|comment|formula)\b/, 'color:#6a737d'],
  [/^hljs-(name|quote|selector-pseudo|selector-tag)\b/, 'color:#22863a'],
  [/^hljs-section\b/, 'color:#005cc5;font-weight:700'],
  [/^hljs-bullet\b/, 'color:#735c0f'],
  [/^hljs-emphasis\b/, 'font-style:italic'],
  [/^hljs-strong\b/, 'font-weight:700'],
];

/** Python source as a highlighted block: on the page by class (see highlightCss), inline with styles. */
export function codeHtml(code: string, look: Look = 'inline'): string {
  if (look === 'page') return `<pre class="code"><code class="hljs language-python">${highlightPython(code)}</code></pre>`;
  const html = highlightPython(code).replace(/<span class="([^"]*)">/g, (_m, cls: string) => {
    const style = HLJS_STYLES.find(([re]) => re.test(cls))?.[1];
    return style ? `<span style="${style}">` : '<span>';
  });
  return `<pre style="${STYLE.pre}"><code>${html}</code></pre>`;
}

/** A unified diff of two texts (3 lines of context), or null when they are the same. */
export function unifiedDiff(oldName: string, oldCode: string, newName: string, newCode: string): string | null {
  if (oldCode === newCode) return null;
  const patch = createTwoFilesPatch(oldName, newName, oldCode.endsWith('\n') ? oldCode : oldCode + '\n', newCode.endsWith('\n') ? newCode : newCode + '\n', '', '', { context: 3 });
  const lines = patch.split('\n').filter((l) => !/^={5,}$/.test(l));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** A unified diff as HTML for the page (lines escaped, classed d-*), or null when the two are the same. */
export function diffHtml(oldName: string, oldCode: string, newName: string, newCode: string): string | null {
  const patch = unifiedDiff(oldName, oldCode, newName, newCode);
  if (patch === null) return null;
  const html = patch.split('\n').map((l) => {
    const cls = l.startsWith('+++') || l.startsWith('---') ? 'd-file' : l.startsWith('@@') ? 'd-hunk' : l.startsWith('+') ? 'd-add' : l.startsWith('-') ? 'd-del' : l.startsWith('\\') ? 'd-note' : 'd-ctx';
    return `<span class="${cls}">${esc(l)}</span>`;
  });
  // One block per line: the spans' own breaks (a newline between them would double the spacing).
  return `<pre class="diff">${html.join('')}</pre>`;
}

const DIFF_STYLES: Record<string, string> = {
  'd-add': 'background:#dafbe1',
  'd-del': 'background:#ffebe9',
  'd-hunk': 'color:#8250df;background:#f5f0ff',
  'd-file': 'color:#656d76;font-weight:600',
  'd-note': 'color:#656d76',
  'd-ctx': '',
};

/** A unified diff as HTML with inline styles, or null when the two are the same. */
export function diffInlineHtml(oldName: string, oldCode: string, newName: string, newCode: string): string | null {
  const html = diffHtml(oldName, oldCode, newName, newCode);
  if (html === null) return null;
  return html
    .replace(/^<pre class="diff">/, `<pre style="${STYLE.pre};white-space:pre">`)
    .replace(/<span class="(d-[a-z]+)">/g, (_m, cls: string) => `<span style="display:block;min-height:1.45em;${DIFF_STYLES[cls] ?? ''}">`);
}
