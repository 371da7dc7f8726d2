// attack: allocates buffers until killed
// expect: FAILED/memory_limit
// limits: memory=96
const keep = [];
for (;;) keep.push(Buffer.alloc(1 << 20, 1));
