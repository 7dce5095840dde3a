// Worker script for workerpool (thread and process).
const workerpool = require('workerpool');
workerpool.worker({ noop: (x) => x });
