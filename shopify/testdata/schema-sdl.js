// Converts Shopify's Admin API schema for one version, as @shopify/dev-mcp
// ships it (an introspection result, gzipped), to SDL for gqlparser:
//   node schema-sdl.js 2026-07 OUT.graphql
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { buildClientSchema, printSchema } = require('graphql');

const [version, out] = process.argv.slice(2);
let pkg;
try {
  pkg = require.resolve('@shopify/dev-mcp/package.json');
} catch {
  pkg = path.join(process.cwd(), 'node_modules', '@shopify', 'dev-mcp', 'package.json');
}
const file = path.join(path.dirname(pkg), 'dist', 'data', `admin_${version}.json.gz`);
const introspection = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)));
fs.writeFileSync(out, printSchema(buildClientSchema(introspection.data)));
process.stdout.write(JSON.stringify({ devMcp: JSON.parse(fs.readFileSync(pkg, 'utf8')).version, file }));
