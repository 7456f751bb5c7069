// @ts-check
'use strict';
/**
 * `import { ... } from 'stable-eureka'` in a notebook, typed, without a node_modules/stable-eureka
 * (this repository's notebooks/ folder, or anywhere the package is not installed above the
 * notebook). Like tslab does for `tslab` itself, the kernel then serves that name from the
 * package this preload belongs to: for the type checker (typescript-for-tslab's ts.sys),
 * <cwd>/node_modules/<name>/... is read from the package root; at run time, a `require` of the
 * name that Node cannot resolve (Module._resolveFilename) resolves there. A real installation
 * above the notebook's folder wins.
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { packageRoot, tslabDir, warn } = require('./tslab.cjs');

/**
 * @import { ModuleInternals } from './tslab.cjs'
 */

/**
 * The methods of ts.sys that take a path first (typescript-for-tslab is TypeScript 5.0's API).
 * @typedef {Record<string, ((this: unknown, p: unknown, ...rest: unknown[]) => unknown) | undefined>} TsSys
 */

function aliasOwnPackage() {
  /** @type {unknown} */
  let name;
  try {
    name = JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).name;
  } catch {
    return;
  }
  if (typeof name !== 'string' || !name) return;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules', name, 'package.json'))) return;
    if (path.dirname(dir) === dir) break;
  }
  const packageName = name;

  const loader = /** @type {ModuleInternals} */ (Module);
  const originalResolve = loader._resolveFilename;
  loader._resolveFilename = function resolveOwnPackage(request, parent, isMain, options) {
    try {
      return originalResolve.call(this, request, parent, isMain, options);
    } catch (err) {
      const code = /** @type {NodeJS.ErrnoException | undefined} */ (err)?.code;
      if (code !== 'MODULE_NOT_FOUND' || typeof request !== 'string' || !(request === packageName || request.startsWith(`${packageName}/`))) throw err;
      const target = request === packageName ? packageRoot : path.join(packageRoot, request.slice(packageName.length + 1));
      return originalResolve.call(this, target, parent, isMain, options);
    }
  };

  /** @type {{sys: TsSys}} */
  let ts;
  try {
    ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] }));
  } catch (err) {
    warn(`types of '${packageName}' are not served to cells: ${/** @type {Error} */ (err).message}`);
    return;
  }
  const sys = ts.sys;
  const virtualRoot = path.join(process.cwd(), 'node_modules', packageName).split(path.sep).join('/');
  /** @param {unknown} p */
  const forward = (p) => {
    if (typeof p !== 'string') return p;
    const unix = p.split(path.sep).join('/');
    if (unix !== virtualRoot && !unix.startsWith(`${virtualRoot}/`)) return p;
    return path.join(packageRoot, unix.slice(virtualRoot.length));
  };
  for (const method of ['readFile', 'fileExists', 'directoryExists', 'readDirectory', 'getDirectories', 'realpath', 'getModifiedTime']) {
    const original = sys[method];
    if (typeof original !== 'function') continue;
    sys[method] = function (p, ...rest) {
      return original.call(this, forward(p), ...rest);
    };
  }
  for (const method of ['watchFile', 'watchDirectory']) {
    const original = sys[method];
    if (typeof original !== 'function') continue;
    sys[method] = function (p, callback, ...rest) {
      const real = forward(p);
      if (real === p) return original.call(this, p, callback, ...rest);
      const cb = /** @type {(file: unknown, ...args: unknown[]) => unknown} */ (callback);
      return original.call(this, real, (/** @type {unknown} */ _file, /** @type {unknown[]} */ ...args) => cb(p, ...args), ...rest);
    };
  }
}

module.exports = { aliasOwnPackage };
