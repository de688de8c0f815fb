// node evaluate.mjs MODULE.wasm JOBS.json
// JOBS.json: [{"entrypoint": "...", "input": {...}, "data": {...} | null}, ...]
// Prints one JSON line: {"abi": "1.2", "results": [<result set>, ...]}.
import { readFileSync } from "node:fs";
import { loadPolicy } from "@open-policy-agent/opa-wasm";

const [modulePath, jobsPath] = process.argv.slice(2);
const policy = await loadPolicy(readFileSync(modulePath));
const jobs = JSON.parse(readFileSync(jobsPath, "utf8"));
const results = [];
for (const job of jobs) {
  policy.setData(job.data ?? {});
  results.push(policy.evaluate(job.input, job.entrypoint));
}
const abi = `${policy.minorVersion === undefined ? "?" : "1." + policy.minorVersion}`;
process.stdout.write(JSON.stringify({ abi, entrypoints: policy.entrypoints, results }) + "\n");
