/**
 * The runtime module graph of the packaged app, walked for real in an extracted copy of app.asar: every
 * JavaScript file is parsed (acorn) for its static imports, re-exports, literal dynamic imports and
 * literal require() calls, and each specifier is resolved the way Node (and Electron's Node) does —
 * require() with Node's own CommonJS resolver (createRequire), imports with node_modules lookup plus the
 * package.json "exports" conditions node + import (resolve.exports) — inside that copy only.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { parse, type Node } from 'acorn';
import { ancestor } from 'acorn-walk';
import { legacy, exports as resolveExports } from 'resolve.exports';

/** Modules the runtime provides: Node's builtins and Electron's. */
const RUNTIME_MODULES = new Set(['electron', 'original-fs', ...builtinModules]);

export interface ModuleReference {
  specifier: string;
  kind: 'import' | 'require';
  /** Inside a try block: the code copes with the module being absent. */
  guarded: boolean;
}

export interface UnresolvedReference extends ModuleReference {
  /** The importing file, relative to the app root. */
  from: string;
  /**
   * Whether the app cannot do without it: any reference of the app's own files, unless guarded by a try
   * and naming one of the app's optionalDependencies; in node_modules, relative files not guarded by a
   * try and the package's non-optional dependencies (other references are its own guarded or
   * platform-specific requires, e.g. one native binary per OS).
   */
  required: boolean;
}

export interface ModuleGraph {
  /** Every file reached, relative to the app root ('/' separators). */
  files: Set<string>;
  /** References that resolve to no file of the app. */
  unresolved: UnresolvedReference[];
  /** References that resolved outside the app root (never expected). */
  escaped: { from: string; specifier: string; to: string }[];
}

function literal(node: Node | null | undefined): string | null {
  if (!node) return null;
  const n = node as unknown as { type: string; value?: unknown; expressions?: unknown[]; quasis?: { value: { cooked: string } }[] };
  if (n.type === 'Literal' && typeof n.value === 'string') return n.value;
  if (n.type === 'TemplateLiteral' && n.expressions?.length === 0) return n.quasis![0]!.value.cooked;
  return null;
}

/** The module references of one JavaScript file. */
export function referencesOf(source: string): ModuleReference[] {
  let ast: Node;
  try {
    ast = parse(source, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true, allowReturnOutsideFunction: true });
  } catch {
    ast = parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true });
  }
  const refs: ModuleReference[] = [];
  const inTry = (ancestors: Node[]) => ancestors.some((a, i) => a.type === 'TryStatement' && (a as unknown as { block: Node }).block === ancestors[i + 1]);
  const add = (spec: string | null, kind: ModuleReference['kind'], ancestors: Node[]) => {
    if (spec !== null) refs.push({ specifier: spec, kind, guarded: inTry(ancestors) });
  };
  ancestor(ast, {
    ImportDeclaration: (node, _s, anc) => add(literal((node as unknown as { source: Node }).source), 'import', anc),
    ExportAllDeclaration: (node, _s, anc) => add(literal((node as unknown as { source: Node }).source), 'import', anc),
    ExportNamedDeclaration: (node, _s, anc) => add(literal((node as unknown as { source: Node | null }).source), 'import', anc),
    ImportExpression: (node, _s, anc) => add(literal((node as unknown as { source: Node }).source), 'import', anc),
    CallExpression: (node, _s, anc) => {
      const call = node as unknown as { callee: { type: string; name?: string }; arguments: Node[] };
      if (call.callee.type === 'Identifier' && call.callee.name === 'require' && call.arguments.length >= 1) add(literal(call.arguments[0]), 'require', anc);
    },
  });
  return refs;
}

function packageName(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const count = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, count).join('/');
  const rest = parts.slice(count).join('/');
  return { name, subpath: rest ? `./${rest}` : '.' };
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The package.json nearest above `file` (within `root`), with its folder. */
function owningPackage(file: string, root: string): { dir: string; json: Record<string, unknown> } | null {
  let dir = dirname(file);
  while (dir.startsWith(root)) {
    const json = readJson(join(dir, 'package.json'));
    if (json && typeof json.name === 'string') return { dir, json };
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

/** ESM resolution of `specifier` from `file`: relative paths exactly, packages through node_modules + "exports". */
function resolveImport(specifier: string, file: string, root: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = resolve(dirname(file), specifier.split('?')[0]!);
    return isFile(target) ? target : null;
  }
  if (specifier.startsWith('file:')) {
    const target = new URL(specifier).pathname;
    return isFile(target) ? target : null;
  }
  const { name, subpath } = packageName(specifier);
  for (let dir = dirname(file); dir.startsWith(root); dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', name);
    const json = readJson(join(pkgDir, 'package.json'));
    if (json) {
      if (json.exports !== undefined) {
        const targets = resolveExports(json, subpath, { conditions: ['node', 'import'] });
        const target = targets?.map((t) => join(pkgDir, t)).find(isFile);
        return target ?? null;
      }
      // No "exports": Node's legacy resolution (main, extensions, index files).
      if (subpath === '.') {
        const main = legacy(json, { fields: ['main'] });
        const candidates = typeof main === 'string' ? [main, `${main}.js`, `${main}/index.js`] : [];
        return [...candidates, 'index.js'].map((c) => join(pkgDir, c)).find(isFile) ?? null;
      }
      const direct = join(pkgDir, subpath);
      return [direct, `${direct}.js`, join(direct, 'index.js')].find(isFile) ?? null;
    }
    if (dirname(dir) === dir) break;
  }
  return null;
}

function resolveRequire(specifier: string, file: string): string | null {
  try {
    return createRequire(file).resolve(specifier);
  } catch {
    return null;
  }
}

const JS = new Set(['.js', '.cjs', '.mjs']);

/** Walk the graph from `entries` (paths relative to `appRoot`, an extracted app.asar). */
export function walkModuleGraph(appRoot: string, entries: readonly string[]): ModuleGraph {
  const root = resolve(appRoot);
  const rel = (p: string) => relative(root, p).split(sep).join('/');
  const files = new Set<string>();
  const unresolved: UnresolvedReference[] = [];
  const escaped: ModuleGraph['escaped'] = [];
  const queue = entries.map((e) => join(root, e));
  while (queue.length) {
    const file = queue.pop()!;
    const key = rel(file);
    if (files.has(key)) continue;
    files.add(key);
    if (!JS.has(extname(file))) continue;
    for (const ref of referencesOf(readFileSync(file, 'utf8'))) {
      const spec = ref.specifier;
      if (spec.startsWith('node:') || RUNTIME_MODULES.has(spec) || RUNTIME_MODULES.has(spec.split('/')[0]!)) continue;
      const target = ref.kind === 'require' ? resolveRequire(spec, file) : resolveImport(spec, file, root);
      if (target === null) {
        const owner = owningPackage(file, root);
        const { name } = packageName(spec);
        const deps = (owner?.json.dependencies ?? {}) as Record<string, string>;
        const optional = (owner?.json.optionalDependencies ?? {}) as Record<string, string>;
        const isRelative = spec.startsWith('.') || spec.startsWith('/');
        const ownFile = !key.split('/').includes('node_modules');
        const required = ownFile ? !(ref.guarded && name in optional) : isRelative ? !ref.guarded : name in deps && !(name in optional);
        unresolved.push({ ...ref, from: key, required });
        continue;
      }
      if (!resolve(target).startsWith(root + sep)) {
        escaped.push({ from: key, specifier: spec, to: target });
        continue;
      }
      queue.push(resolve(target));
    }
  }
  return { files, unresolved, escaped };
}
