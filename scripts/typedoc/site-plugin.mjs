// TypeDoc plugin for the API site: fixes what the merged `packages` build renders badly.
// 1. Each package page already has a title ("Module @weft/x"); the README that follows opens with
//    the same name as its own `# @weft/x`, so that repeated heading is dropped (on the site only;
//    npm and GitHub still show it).
// 2. Members inherited from the runtime (an error's constructor comes from lib.es5.d.ts) carry a
//    source in node_modules, which is no file of this repository: their "Defined in" is removed
//    rather than linked to a path that does not exist.
import { Renderer } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.on(Renderer.EVENT_BEGIN, (event) => {
    for (const reflection of Object.values(event.project.reflections)) {
      dropRepeatedReadmeTitle(reflection);
      dropSourcesOutsideRepository(reflection);
    }
  });
}

function dropRepeatedReadmeTitle(reflection) {
  const first = reflection.readme?.[0];
  if (first?.kind !== 'text') return;
  const match = /^#[ \t]+(.+?)[ \t]*(?:\r?\n)+/.exec(first.text);
  if (match && match[1] === reflection.name) first.text = first.text.slice(match[0].length);
}

// Source file names are relative to the repository root (displayBasePath in typedoc.base.json).
function isRepositoryFile(fileName) {
  return !fileName.startsWith('../') && !fileName.split('/').includes('node_modules');
}

function dropSourcesOutsideRepository(reflection) {
  if (!reflection.sources) return;
  const kept = reflection.sources.filter((source) => isRepositoryFile(source.fileName));
  reflection.sources = kept.length > 0 ? kept : undefined;
}
