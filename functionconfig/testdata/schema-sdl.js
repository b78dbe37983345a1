// Converts Shopify's Function schema for one API and version, as @shopify/dev-mcp ships it (an
// introspection result, gzipped), to SDL for gqlparser:
//   node schema-sdl.js functions_delivery_customization_2026-07 OUT.graphql
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { buildClientSchema, printSchema } = require('graphql');

const [name, out] = process.argv.slice(2);
const pkg = path.join(process.cwd(), 'node_modules', '@shopify', 'dev-mcp', 'package.json');
const file = path.join(path.dirname(pkg), 'dist', 'data', `${name}.json.gz`);
const introspection = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)));
// An input object with no fields (2026-07's DeprecatedOperation) is legal in an introspection
// result but not in SDL, which gqlparser checks: it gets one placeholder field, _noFields, and
// is reported, so that the test can tell it apart from a real field.
const emptyInputs = [];
for (const t of introspection.data.__schema.types) {
  if (t.kind === 'INPUT_OBJECT' && t.inputFields.length === 0) {
    emptyInputs.push(t.name);
    t.inputFields.push({ name: '_noFields', description: null, defaultValue: null,
      type: { kind: 'SCALAR', name: 'Boolean', ofType: null } });
  }
}
fs.writeFileSync(out, printSchema(buildClientSchema(introspection.data)));
process.stdout.write(JSON.stringify({ devMcp: JSON.parse(fs.readFileSync(pkg, 'utf8')).version, file, emptyInputs }));
