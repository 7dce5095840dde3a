#!/usr/bin/env node
// Link check for the built API site (site/, written by `pnpm run docs`). It fails when
// - a link or image inside the site (href/src, and the sidebar's navigation data) names a file the
//   site does not have, or an #anchor that page (or SVG sprite) does not define;
// - a source link ("Defined in") names a file git does not track, or a line past the file's end,
//   or any other address under the repository's URL that is not the source-link form;
// - the front page (index.html) does not link every package page and every guide;
// - a page has more or fewer than one <h1> (typedoc's title plus a README's own # title);
// - docs/error-codes.md, the error codes table, is not what scripts/error-codes.mjs generates from
//   the built packages (a class, code or TSDoc changed since it was written).
// Links to other sites are counted but not fetched: CI has no network to spare for them.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { staleErrorCodes } from './error-codes.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The site directory can be given as the only argument (default: site/ at the repository root).
const site = path.resolve(process.argv[2] ?? path.join(root, 'site'));
const siteName = path.relative(process.cwd(), site) || '.';

if (!existsSync(path.join(site, 'index.html'))) {
  console.error(
    `check-docs: ${path.join(site, 'index.html')} not found; build the site first with \`pnpm run docs\`.`,
  );
  process.exit(1);
}

// Source links are whatever typedoc.base.json's sourceLinkTemplate produces, e.g.
// https://github.com/owner/repo/blob/main/{path}#L{line}. The file is JSON with whole-line //
// comments, which typedoc reads the way TypeScript reads a tsconfig.
const template = JSON.parse(
  readFileSync(path.join(root, 'typedoc.base.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''),
).sourceLinkTemplate;
const [linkPrefix, linkSuffix] = template.split('{path}');
const repoUrlPrefix = template.slice(0, template.indexOf('{'));
// A link to a repository file without a line (from a README, say) must name a tracked file too.
const sourceLinkPattern = new RegExp(
  `^${placeholders(linkPrefix)}(?<path>[^#?]+)(?:${placeholders(linkSuffix)})?$`,
);
function placeholders(part) {
  return part
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace('{line}', '(?<line>\\d+)')
    .replace(/\{gitRevision(?::short)?\}/g, '[0-9a-zA-Z._-]+');
}

const trackedFiles = listTrackedFiles();
const lineCounts = new Map();
const pages = new Map(); // site-relative path -> { html, ids }

const siteFiles = new Set(
  walk(site).map((file) => path.relative(site, file).split(path.sep).join('/')),
);
const counts = { pages: 0, internal: 0, anchors: 0, source: 0, external: 0 };
const broken = [];

for (const file of siteFiles) {
  if (!file.endsWith('.html')) continue;
  counts.pages += 1;
  const { html } = page(file);
  for (const match of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
    checkLink(file, decodeEntities(match[1]));
  }
  // One title per page: a README or guide that opens with the page's own name doubles it.
  const titles = html.match(/<h1[\s>]/g)?.length ?? 0;
  if (titles !== 1) {
    broken.push({ from: file, link: '<h1>', reason: `${titles} <h1> headings; a page has one` });
  }
}
for (const link of navigationLinks()) checkLink('assets/navigation.js', link, '.');

// The front page is the site's table of contents: each package page (modules/) and each guide
// (documents/) must be reachable from it, not only from the sidebar.
const frontPageLinks = new Set(
  [...page('index.html').html.matchAll(/\shref="([^"#]+)/g)].map((match) =>
    path.posix.normalize(safeDecode(decodeEntities(match[1]))),
  ),
);
for (const file of siteFiles) {
  if (/^(modules|documents)\/[^/]+\.html$/.test(file) && !frontPageLinks.has(file)) {
    broken.push({
      from: 'index.html',
      link: file,
      reason: 'the front page (docs/index.md) does not link it',
    });
  }
}

// The error codes table is generated; a stale one documents codes that are not thrown.
const staleTable = await staleErrorCodes().catch((error) => error.message);
if (staleTable)
  broken.push({ from: 'docs/error-codes.md', link: '(generated table)', reason: staleTable });

const total = counts.internal + counts.source;
console.log(
  `check-docs: ${counts.pages} pages; ${total} links checked ` +
    `(${counts.internal} internal, ${counts.anchors} of them with an #anchor; ${counts.source} source links); ` +
    `${counts.external} links to other sites not fetched; ${broken.length} problems`,
);
if (broken.length > 0) {
  const shown = broken.slice(0, 50);
  for (const { from, link, reason } of shown) console.error(`  ${from}: ${link}\n    ${reason}`);
  if (broken.length > shown.length) console.error(`  … and ${broken.length - shown.length} more`);
  process.exitCode = 1;
}

// `base` is the directory the link is relative to: the page's own, or the site root for navigation.
function checkLink(from, link, base = path.posix.dirname(from)) {
  if (link === '' || link === '#') return;
  if (link.startsWith(repoUrlPrefix)) return checkSourceLink(from, link);
  if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('//')) {
    counts.external += 1;
    return;
  }
  counts.internal += 1;
  const hashAt = link.indexOf('#');
  const target = (hashAt === -1 ? link : link.slice(0, hashAt)).replace(/\?.*$/, '');
  const anchor = hashAt === -1 ? '' : safeDecode(link.slice(hashAt + 1));
  let targetFile = from;
  if (target !== '') {
    targetFile = path.posix.normalize(path.posix.join(base, safeDecode(target)));
    if (targetFile.endsWith('/')) targetFile += 'index.html';
  }
  if (targetFile.startsWith('../') || !siteFiles.has(targetFile)) {
    broken.push({ from, link, reason: `no file ${siteName}/${targetFile}` });
    return;
  }
  if (anchor === '') return;
  counts.anchors += 1;
  if (!/\.(html|svg)$/.test(targetFile) || !page(targetFile).ids.has(anchor)) {
    broken.push({ from, link, reason: `${siteName}/${targetFile} has no anchor #${anchor}` });
  }
}

function checkSourceLink(from, link) {
  counts.source += 1;
  const match = sourceLinkPattern.exec(link);
  if (!match) {
    broken.push({ from, link, reason: `not a link of the form ${template}` });
    return;
  }
  const file = safeDecode(match.groups.path);
  if (!trackedFiles.has(file)) {
    broken.push({ from, link, reason: `${file} is not a file tracked in this repository` });
    return;
  }
  if (match.groups.line === undefined) return;
  const line = Number(match.groups.line);
  const lines = lineCount(file);
  if (line < 1 || line > lines) {
    broken.push({ from, link, reason: `${file} has ${lines} lines, the link names line ${line}` });
  }
}

function page(file) {
  let entry = pages.get(file);
  if (!entry) {
    const html = readFileSync(path.join(site, file), 'utf8');
    const ids = new Set();
    for (const match of html.matchAll(/\s(?:id|name)="([^"]*)"/g))
      ids.add(decodeEntities(match[1]));
    entry = { html, ids };
    pages.set(file, entry);
  }
  return entry;
}

// The sidebar is built in the browser from assets/navigation.js: base64 of deflated JSON, a tree
// of { path, children }. Its paths are relative to the site root.
function navigationLinks() {
  const file = path.join(site, 'assets', 'navigation.js');
  if (!existsSync(file)) return [];
  const data = /"([A-Za-z0-9+/=]+)"/.exec(readFileSync(file, 'utf8'));
  if (!data) return [];
  const links = [];
  const visit = (nodes) => {
    for (const node of nodes ?? []) {
      if (node.path) links.push(node.path);
      visit(node.children);
    }
  };
  visit(JSON.parse(inflateSync(Buffer.from(data[1], 'base64')).toString('utf8')));
  return links;
}

function listTrackedFiles() {
  const out = execFileSync('git', ['-C', root, 'ls-files', '-z'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return new Set(out.split('\0').filter(Boolean));
}

function lineCount(file) {
  let count = lineCounts.get(file);
  if (count === undefined) {
    const text = readFileSync(path.join(root, file), 'utf8');
    count = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    lineCounts.set(file, count);
  }
  return count;
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, code) => {
    const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[code.toLowerCase()];
    if (named) return named;
    const point =
      code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : Number(code.slice(1));
    return String.fromCodePoint(point);
  });
}

function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
