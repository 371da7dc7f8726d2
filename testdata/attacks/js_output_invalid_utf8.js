// attack: floods stdout with invalid UTF-8 and NUL bytes, synchronously
// expect: FAILED/output_limit
// limits: output=65536
// output-bytes: 65536
const fs = require('fs');
const junk = Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]).toString('latin1').repeat(2000);
const buf = Buffer.from(junk, 'latin1');
for (;;) fs.writeSync(1, buf);
