// Validates a `check -o json` report (argv[3]) against the project's report
// schema (argv[2], JSON Schema 2020-12). Prints "valid" or the schema errors
// and exits non-zero.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";

const schema = JSON.parse(readFileSync(process.argv[2], "utf8"));
const report = JSON.parse(readFileSync(process.argv[3], "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(schema);
if (validate(report)) {
  console.log("valid");
} else {
  console.log(JSON.stringify(validate.errors, null, 2));
  process.exit(1);
}
