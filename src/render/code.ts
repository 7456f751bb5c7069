/**
 * Reward code as HTML: Python highlighted by highlight.js (classes and its GitHub theme's
 * stylesheet on the page, the same theme as inline styles in notebook outputs), and unified
 * diffs of two rewards (text, and HTML in either look).
 */
import fs from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import type { HLJSApi, LanguageFn } from 'highlight.js';
import { esc } from './format';
import { STYLE, THEME, type Look } from './look';

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

/**
 * Token colours as inline styles, by the first class of a span: the front end's own editor
 * colours (JupyterLab's --jp-mirror-editor-*, made for its light and dark grounds), else VS
 * Code's debug-view colour of the token's kind (themed light and dark), else highlight.js's
 * GitHub theme (BSD-3-Clause) where a page has no theme.
 */
const editor = (token: string, vscode: string, fallback: string) => `color:var(--jp-mirror-editor-${token}-color,var(--vscode-${vscode},${fallback}))`;
const HLJS_STYLES: [RegExp, string][] = [
  [/^hljs-variable language_/, editor('keyword', 'debugTokenExpression-name', '#d73a49')],
  [/^hljs-(doctag|keyword|template-tag|template-variable|type)\b/, editor('keyword', 'debugTokenExpression-name', '#d73a49')],
  [/^hljs-title\b/, editor('def', 'symbolIcon-functionForeground', '#6f42c1')],
  [/^hljs-(attr|attribute|literal|meta|number|selector-attr|selector-class|selector-id)\b/, editor('number', 'debugTokenExpression-number', '#005cc5')],
  [/^hljs-(operator)\b/, editor('operator', 'debugTokenExpression-value', '#005cc5')],
  [/^hljs-(variable)\b/, editor('variable', 'debugTokenExpression-value', '#005cc5')],
  [/^hljs-(regexp|string)\b/, editor('string', 'debugTokenExpression-string', '#032f62')],
  [/^hljs-(built_in|symbol)\b/, editor('builtin', 'debugTokenExpression-boolean', '#e36209')],
  // JupyterLab's own comment colour (#408080) is under 4.5:1 on its dark ground: the muted text colour instead
  [/^hljs-(code|comment|formula)\b/, `color:${THEME.muted};font-style:italic`],
  [/^hljs-(name|quote|selector-pseudo|selector-tag)\b/, editor('tag', 'debugTokenExpression-name', '#22863a')],
  [/^hljs-section\b/, `${editor('header', 'debugTokenExpression-name', '#005cc5')};font-weight:700`],
  [/^hljs-bullet\b/, editor('quote', 'debugTokenExpression-value', '#735c0f')],
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
  return `<pre style="${STYLE.pre}"><code style="${STYLE.code}">${html}</code></pre>`;
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

/** Tints over the code's ground, so the lines keep the theme's text colour. */
const DIFF_STYLES: Record<string, string> = {
  'd-add': 'background:rgba(46,160,67,0.18)',
  'd-del': 'background:rgba(248,81,73,0.18)',
  'd-hunk': `color:${THEME.fg};background:rgba(130,80,223,0.12)`,
  'd-file': `color:${THEME.muted};font-weight:600`,
  'd-note': `color:${THEME.muted}`,
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
