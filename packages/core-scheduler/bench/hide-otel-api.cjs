// Preload (node --require) for bench/otel.mjs: makes `@opentelemetry/api` unresolvable in this
// process, as for a user who never installed the optional peer. Both `require` (what the
// scheduler's lazy loader uses) and `import` (through the same resolver hook) fail to find it.
const Module = require('node:module');

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@opentelemetry/api' || request.startsWith('@opentelemetry/api/')) {
    const error = new Error(`Cannot find module '${request}' (hidden by hide-otel-api.cjs)`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
