// Documentation contract: every export of the public entry carries TSDoc with a summary and an
// `@example` in a ```ts fence; every exported function documents each parameter and its return.
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const program = ts.createProgram([entry], {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  resolveJsonModule: true,
  noEmit: true,
});
const checker = program.getTypeChecker();
const source = program.getSourceFile(entry)!;
const exports = checker
  .getExportsOfModule(checker.getSymbolAtLocation(source)!)
  .map((s) => [s.name, checker.getAliasedSymbol(s)] as const);

const tagText = (tag: ts.JSDocTag): string => ts.getTextOfJSDocComment(tag.comment) ?? '';
const docsOf = (node: ts.Node): readonly ts.JSDoc[] =>
  ts.getJSDocCommentsAndTags(node).filter((d): d is ts.JSDoc => ts.isJSDoc(d));

/** What is missing from one declaration's TSDoc (empty when nothing is). */
function missing(decl: ts.Declaration): string[] {
  // `export const X = ...` carries its doc on the statement, not on the declarator.
  const node = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
  const docs = docsOf(node);
  const out: string[] = [];
  const summary = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join('');
  if (summary.trim() === '') out.push('summary');
  const tags = docs.flatMap((d) => d.tags ?? []);
  const example = tags.find((t) => t.tagName.text === 'example');
  if (example === undefined) out.push('@example');
  else if (!tagText(example).includes('```ts')) out.push('@example with a ```ts fence');
  if (ts.isFunctionDeclaration(decl)) {
    for (const p of decl.parameters) {
      const name = p.name.getText();
      if (!tags.some((t) => ts.isJSDocParameterTag(t) && t.name.getText() === name))
        out.push(`@param ${name}`);
    }
    if (!tags.some((t) => t.tagName.text === 'returns')) out.push('@returns');
  }
  return out;
}

describe('TSDoc of the public API', () => {
  it('covers a non-trivial number of exports', () => {
    expect(exports.length).toBeGreaterThan(40);
  });

  it.each(exports.map(([name, symbol]) => [name, symbol] as const))(
    '%s has a summary and a ```ts @example',
    (_name, symbol) => {
      const decls = symbol.getDeclarations() ?? [];
      expect(decls.length).toBeGreaterThan(0);
      // Overloads and merged declarations: one documented declaration is enough.
      const gaps = decls.map(missing);
      expect(gaps.reduce((a, b) => (a.length <= b.length ? a : b))).toEqual([]);
    },
  );

  it('documents every public method, accessor and constructor of exported classes', () => {
    const gaps: string[] = [];
    for (const [name, symbol] of exports) {
      for (const decl of symbol.getDeclarations() ?? []) {
        if (!ts.isClassDeclaration(decl)) continue;
        for (const member of decl.members) {
          const isPrivate =
            (member.name !== undefined && ts.isPrivateIdentifier(member.name)) ||
            ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Private;
          if (isPrivate) continue;
          const summary = docsOf(member)
            .map((d) => ts.getTextOfJSDocComment(d.comment) ?? '')
            .join('');
          const memberName = member.name?.getText() ?? 'constructor';
          if (summary.trim() === '') gaps.push(`${name}.${memberName}: summary`);
          if (
            (ts.isMethodDeclaration(member) || ts.isConstructorDeclaration(member)) &&
            !docsOf(member).some((d) => d.tags?.some((t) => t.tagName.text === 'example'))
          )
            gaps.push(`${name}.${memberName}: @example`);
        }
      }
    }
    expect(gaps).toEqual([]);
  });
});
