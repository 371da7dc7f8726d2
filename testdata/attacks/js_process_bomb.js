// attack: spawns child processes without end
// expect: FAILED/process_limit
// limits: time=2000 procs=24
const { spawn } = require('child_process');
setInterval(() => {
  for (let i = 0; i < 20; i++) spawn('/bin/sleep', ['100']).on('error', () => {});
}, 1);
