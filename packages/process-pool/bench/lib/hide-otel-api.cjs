// Preload (`node --require`) of bench/otel.mjs's "no API" runs: `@opentelemetry/api` cannot be
// resolved, as in a program that does not install the optional peer. Worker threads inherit it.
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
