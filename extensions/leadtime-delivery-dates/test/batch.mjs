// Runs the function on a batch of inputs for the Go tests (package functionconfig):
//   node test/batch.mjs < inputs.json > outputs.json
// stdin is a JSON array of inputs shaped by src/run.graphql; stdout the array of outputs.
import { readFileSync } from 'node:fs';
import { cartDeliveryOptionsTransformRun } from '../src/index.js';

const inputs = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(inputs.map((input) => cartDeliveryOptionsTransformRun(input))));
