// Worker file for poolifier's cluster pool (child processes through node:cluster).
const { ClusterWorker } = require('poolifier');
module.exports = new ClusterWorker((data) => data);
