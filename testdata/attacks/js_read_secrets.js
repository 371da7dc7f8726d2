// attack: reads /etc/shadow, the service's database and every visible process's environment
// expect: COMPLETED
// lacks: $SECRET
// lacks: root:
// lacks: DATABASE_URL
// has: /etc/shadow ENOENT
const fs = require('fs');
const paths = ['/etc/shadow', process.argv[3], './data/livecode.db', '/proc/1/environ', '/proc/self/environ',
  ...fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((p) => `/proc/${p}/environ`)];
for (const p of paths) {
  try {
    console.log(p, 'READ', JSON.stringify(fs.readFileSync(p).toString()));
  } catch (e) {
    console.log(p, e.code);
  }
}
