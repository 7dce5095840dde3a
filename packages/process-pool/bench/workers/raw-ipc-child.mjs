// The raw child_process IPC peer of bench/queue-ipc.bench.ts: echoes pings, or streams n messages.
process.on('message', (message) => {
  if (typeof message === 'object' && message !== null && 'stream' in message) {
    for (let i = 0; i < message.stream; i++) process.send(i);
  } else if (message === 'exit') {
    process.exit(0);
  } else {
    process.send(message);
  }
});
