// The floor for process workers: a bare child_process IPC echo, one message per task (the parent
// picks the serialization: 'json', Node's default, or 'advanced').
process.on('message', (x) => process.send(x));
process.on('disconnect', () => process.exit(0));
