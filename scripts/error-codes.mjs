#!/usr/bin/env node
// The error codes table of the API site (docs/error-codes.md), generated from the code itself:
// - which classes: every Error subclass each package exports, found by importing the built package
//   (packages/<dir>/dist/index.js), and its `code`, read from an instance (codes are instance
//   fields, so each class is built once with stand-in arguments);
// - "when it is thrown": the first sentence of the class's TSDoc, read from the package's sources
//   with the TypeScript compiler, through the export (so a deprecated alias finds its class).
//
//   node scripts/error-codes.mjs          write docs/error-codes.md
//   node scripts/error-codes.mjs --check  exit 1 if docs/error-codes.md is not what it would write
//
// `pnpm check:docs` runs the check (scripts/check-docs.mjs), after a build.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const tablePath = path.join(root, 'docs', 'error-codes.md');

/** Packages in the order of the dependency graph (lowest first), then any new one by name. */
const ORDER = [
  '@weft/sync-primitives',
  '@weft/process-pool',
  '@weft/core-scheduler',
  '@weft/workloads',
  '@weft/reporters',
  '@weft/distributed',
];

/** The workspace packages under packages/: `{ name, dir }`, in ORDER. */
export function weftPackages() {
  const dir = path.join(root, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const manifest = JSON.parse(readFileSync(path.join(dir, entry.name, 'package.json'), 'utf8'));
      return { name: manifest.name, dir: path.join(dir, entry.name) };
    })
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

function rank(name) {
  const at = ORDER.indexOf(name);
  return at === -1 ? ORDER.length : at;
}

function isErrorClass(value) {
  return typeof value === 'function' && value.prototype instanceof Error;
}

// A stand-in for any constructor argument: every property read, call or conversion gives back
// something usable, so each class can be built without knowing its parameters.
const anything = new Proxy(function anything() {}, {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => 1 : anything),
  apply: () => anything,
  construct: () => anything,
});

function codeOf(ErrorClass) {
  let error;
  try {
    error = new ErrorClass(anything, anything, anything, anything);
  } catch {
    try {
      error = new ErrorClass();
    } catch {
      return undefined; // an abstract base
    }
  }
  return error.code;
}

/**
 * Every exported error class of every package: `{ code, pkg, name, aliases, when, base }`, one
 * entry per class (an alias exported under a second name is listed in `aliases`).
 */
export async function collectErrorClasses() {
  const packages = weftPackages();
  const docs = tsdocReader(packages);
  const rows = [];
  for (const { name: pkg, dir } of packages) {
    const entry = path.join(dir, 'dist', 'index.js');
    if (!existsSync(entry)) {
      throw new Error(
        `${path.relative(root, entry)} not found: build the packages first (pnpm build)`,
      );
    }
    const exports = await import(pathToFileURL(entry).href);
    const byClass = new Map(); // class -> export names
    for (const [exported, value] of Object.entries(exports)) {
      if (isErrorClass(value)) byClass.set(value, [...(byClass.get(value) ?? []), exported]);
    }
    const classes = [...byClass.keys()];
    for (const [ErrorClass, names] of byClass) {
      const described = names.map((exported) => ({ exported, ...docs(pkg, exported) }));
      // The class's own name is the export that is not marked @deprecated (an alias is).
      const main = described.find((d) => !d.deprecated) ?? described[0];
      rows.push({
        code: codeOf(ErrorClass),
        pkg,
        name: main.exported,
        aliases: described.filter((d) => d !== main).map((d) => d.exported),
        when: main.when,
        base: classes.some((other) => other.prototype instanceof ErrorClass),
      });
    }
  }
  return rows;
}

/** Reads TSDoc through each package's src/index.ts: (pkg, exportName) => { when, deprecated }. */
function tsdocReader(packages) {
  const entries = new Map(
    packages.map(({ name, dir }) => [name, path.join(dir, 'src', 'index.ts')]),
  );
  const program = ts.createProgram([...entries.values()], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowJs: false,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const exportsOf = new Map();
  for (const [pkg, file] of entries) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    exportsOf.set(
      pkg,
      new Map(
        (moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []).map((s) => [s.name, s]),
      ),
    );
  }
  return (pkg, exported) => {
    const symbol = exportsOf.get(pkg)?.get(exported);
    if (!symbol)
      throw new Error(`${pkg}: ${exported} is exported by dist/ but not by src/index.ts`);
    // The export's own TSDoc (an alias's @deprecated), then the declaration it names.
    const own = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const tags = own.getJsDocTags(checker);
    const deprecated = tags.some((tag) => tag.name === 'deprecated');
    const summary = ts.displayPartsToString(own.getDocumentationComment(checker));
    return { when: firstSentence(summary), deprecated };
  };
}

/** The summary's first sentence, on one line, with inline tags as plain code text. */
function firstSentence(summary) {
  const text = summary
    .replace(/\{@link(?:code|plain)?\s+([^}|\s]+)\s*(?:\|\s*([^}]+))?\}/g, (_m, target, label) =>
      label ? label.trim() : `\`${target.replace(/^.*!/, '')}\``,
    )
    .replace(/\s+/g, ' ')
    .trim();
  // A sentence ends at ". " outside `code` spans (e.g. `pool.run()`), or at the end.
  let inCode = false;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '`') inCode = !inCode;
    else if (!inCode && text[i] === '.' && (i + 1 === text.length || text[i + 1] === ' ')) {
      return text.slice(0, i + 1);
    }
  }
  return text;
}

function cell(text) {
  return text.replace(/\|/g, '\\|');
}

/** The whole of docs/error-codes.md. */
export async function renderErrorCodes() {
  const rows = await collectErrorClasses();
  const lines = [
    '---',
    'title: Error codes',
    'group: Reference',
    '---',
    '',
    '# Error codes',
    '',
    '<!-- Generated by scripts/error-codes.mjs from the built packages and their TSDoc; do not edit.',
    '     Regenerate with `node scripts/error-codes.mjs` after `pnpm build`; `pnpm check:docs` fails',
    '     when this file is stale. -->',
    '',
    "Every error a Weft package throws or rejects with is an instance of one of these classes, and each class has its own `code`, unique across all Weft packages: match on `error.code` to know which package and which condition a failure came from (message text may change; codes do not). A few classes share a name across packages because they report the same condition there (each package's own limit, task or module); their codes differ. A base class's code is only seen on errors created from the base class itself.",
    '',
    '| code | package | class | when it is thrown |',
    '| ---- | ------- | ----- | ----------------- |',
  ];
  for (const row of rows) {
    const code = row.code === undefined ? '(none: abstract base)' : `\`${row.code}\``;
    const aliases = row.aliases.map((alias) => ` (deprecated alias: \`${alias}\`)`).join('');
    const name = `{@linkcode ${row.pkg}!${row.name}}${aliases}`;
    lines.push(`| ${code} | {@linkcode ${row.pkg}!} | ${name} | ${cell(row.when)} |`);
  }
  // Formatted as `pnpm format:check` wants it (aligned columns), so the check and prettier agree.
  const options = (await prettier.resolveConfig(tablePath)) ?? {};
  return prettier.format(`${lines.join('\n')}\n`, { ...options, filepath: tablePath });
}

/** `undefined` when docs/error-codes.md is current, else a sentence saying what to run. */
export async function staleErrorCodes() {
  const expected = await renderErrorCodes();
  const actual = existsSync(tablePath) ? readFileSync(tablePath, 'utf8') : '';
  if (actual === expected) return undefined;
  return `${path.relative(root, tablePath)} is not what the packages' error classes give: run \`node scripts/error-codes.mjs\` (after \`pnpm build\`) and commit it`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = await staleErrorCodes();
    if (stale) {
      console.error(`error-codes: ${stale}`);
      process.exit(1);
    }
    console.log(`error-codes: ${path.relative(root, tablePath)} is current`);
  } else {
    writeFileSync(tablePath, await renderErrorCodes());
    console.log(`error-codes: wrote ${path.relative(root, tablePath)}`);
  }
}
