// attack: spawns child processes without end, until a spawn is refused
// expect: FAILED/process_limit
// limits: procs=24
const { spawn } = require('child_process');
setInterval(() => {
  for (let i = 0; i < 20; i++) spawn('/bin/sleep', ['100']).on('error', () => process.exit(0));
}, 1);
