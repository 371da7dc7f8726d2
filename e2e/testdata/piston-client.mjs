// Drives livecode's Piston-compatible API with the piston-client npm package; prints the answers as JSON.
import piston from "piston-client";

const client = piston({ server: process.argv[2] });
const runtimes = await client.runtimes();
const hello = await client.execute("python", 'import sys\nprint("Hello World!", sys.argv[1:])');
const compiled = await client.execute({
  language: "c",
  files: [{ name: "main.c", content: '#include <stdio.h>\nint main(void) { int n; scanf("%d", &n); printf("%d\\n", 2 * n); return 0; }\n' }],
  stdin: "21",
  args: [],
});
const broken = await client.execute("c", "int main( {");
const unknown = await client.execute({ language: "cobol", version: "1.0.0", files: [{ content: "x" }] });
console.log(JSON.stringify({ runtimes, hello, compiled, broken, unknown }));
