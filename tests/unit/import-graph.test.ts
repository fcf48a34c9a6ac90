import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths';

/*
 * The import rules checked on the resolved import graph, every form of import included: static,
 * `export ... from`, `import type`, `import()` and `typeof import()`, `require`, `import x =
 * require`. ESLint catches the usual forms as they are typed; this catches whatever a path trick
 * ('./../queue', '../base/../sync', a dynamic import) would slip past it.
 */

interface Edge {
  from: string;
  specifier: string;
  /** Repository-relative target for a relative import; null for a package or built-in. */
  to: string | null;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveTarget(fromFile: string, specifier: string): string | null {
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) return null;
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(repoRoot, candidate);
  }
  return relative(repoRoot, base);
}

function edgesOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean) => edges.push({ from: relative(repoRoot, file), specifier, to: resolveTarget(file, specifier), typeOnly });
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node) ? Boolean(node.importClause?.isTypeOnly) : node.isTypeOnly;
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node.moduleReference.expression.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      // createRequire(...)('x') and the like: any call of a call whose first argument is a module path.
      const isMadeRequire = ts.isCallExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'createRequire';
      if (isImport || isRequire || isMadeRequire) add(node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

const files = sources(join(repoRoot, 'src'));
const edges = files.flatMap(edgesOf);
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const isNodeBuiltin = (specifier: string) => specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0]!);

describe('the import graph, resolved', () => {
  it('inside src/main, no folder imports a higher layer or a peer, by any form of import', async () => {
    const { MAIN_LAYERS } = (await import(join(repoRoot, 'eslint.config.js'))) as { MAIN_LAYERS: string[][] };
    const layerOf = (file: string) => {
      const folder = relative('src/main', file).split('/')[0]!;
      return { folder, level: MAIN_LAYERS.findIndex((layer) => layer.includes(folder)) };
    };
    const offences = edges
      .filter((e) => e.from.startsWith('src/main/') && e.to?.startsWith('src/main/'))
      .flatMap((e) => {
        const from = layerOf(e.from);
        const to = layerOf(e.to!);
        const wrong = from.folder !== to.folder && (to.level > from.level || to.level === from.level);
        return wrong ? [`${e.from} imports ${e.specifier} (${from.folder} is below or beside ${to.folder})`] : [];
      });
    expect(offences).toEqual([]);
  });

  it('every file of src/main lives in a folder that has its place in the layer order', async () => {
    const { MAIN_LAYERS } = (await import(join(repoRoot, 'eslint.config.js'))) as { MAIN_LAYERS: string[][] };
    const placed = new Set(MAIN_LAYERS.flat());
    const homeless = files.map((f) => relative(repoRoot, f)).filter((f) => f.startsWith('src/main/') && !placed.has(relative('src/main', f).split('/')[0]!) );
    expect(homeless).toEqual([]);
  });

  it('only the Electron entry files import electron at run time (type-only imports aside)', () => {
    const importing = [...new Set(edges.filter((e) => (e.specifier === 'electron' || e.specifier.startsWith('electron/')) && !e.typeOnly).map((e) => e.from))].sort();
    expect(importing).toEqual(['src/main/electron/app.ts', 'src/main/electron/protocol.ts', 'src/main/electron/window.ts', 'src/preload/index.ts']);
  });

  it('shared code runs in the browser too: no Node built-in, no main, renderer or preload', () => {
    const offences = edges
      .filter((e) => e.from.startsWith('src/shared/'))
      .filter((e) => isNodeBuiltin(e.specifier) || e.specifier === 'electron' || (e.to !== null && !e.to.startsWith('src/shared/')))
      .map((e) => `${e.from} imports ${e.specifier}`);
    expect(offences).toEqual([]);
  });

  it('the renderer reaches neither main nor preload nor Node', () => {
    const offences = edges
      .filter((e) => e.from.startsWith('src/renderer/'))
      .filter((e) => isNodeBuiltin(e.specifier) || e.specifier === 'electron' || (e.to !== null && !e.to.startsWith('src/renderer/') && !e.to.startsWith('src/shared/')))
      .map((e) => `${e.from} imports ${e.specifier}`);
    expect(offences).toEqual([]);
  });

  it('the preload pulls in nothing that brings zod or Node (so it stays a few KB)', () => {
    const closure = new Set<string>();
    const visit = (file: string) => {
      if (closure.has(file)) return;
      closure.add(file);
      for (const e of edges) if (e.from === file && e.to !== null && !e.typeOnly) visit(e.to);
    };
    visit('src/preload/index.ts');
    const packages = edges.filter((e) => closure.has(e.from) && e.to === null && !e.typeOnly).map((e) => e.specifier);
    expect([...new Set(packages)]).toEqual(['electron']);
    expect([...closure].filter((f) => !f.startsWith('src/preload/') && !f.startsWith('src/shared/'))).toEqual([]);
  });

  it('no SQL outside src/main/storage: nothing else prepares, executes, pragmas or opens a transaction', () => {
    const offenders = files
      .map((f) => ({ file: relative(repoRoot, f), text: readFileSync(f, 'utf8') }))
      .filter(({ file }) => file.startsWith('src/main/') && !file.startsWith('src/main/storage/'))
      .filter(({ text }) => /\.(prepare|pragma|transaction)\(|\bdb\.exec\(|better-sqlite3/.test(text))
      .map(({ file }) => file);
    expect(offenders).toEqual([]);
  });

  it('catches what a path trick would slip past the lint rule (checked on fixture edges)', () => {
    const fixture = join(repoRoot, 'src/main/storage/fixture.ts');
    for (const trick of ['./../queue/service', '../base/../sync/engine', '..//webhost/server']) {
      expect(resolveTarget(fixture, trick)?.split('/')[2], trick).toMatch(/^(queue|sync|webhost)$/);
    }
  });
});
