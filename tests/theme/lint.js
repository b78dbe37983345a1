// Lints the theme app extension with Shopify's own tools, offline, for tests/theme/theme_test.go:
//
//   node tests/theme/lint.js EXTENSION_DIR FILE.liquid...
//
// 1. @shopify/theme-check-node on EXTENSION_DIR as an app extension (its shopify.extension.toml
//    selects the 87 theme-app-extension checks), and again with `context: theme`, which
//    validates the blocks' {% schema %} settings that the app context barely reads;
// 2. @shopify/liquid-html-parser on every FILE (the blocks, snippets and liquid-snippets), a
//    syntax check that also catches HTML left unbalanced across Liquid branches.
// It prints one JSON object, {app, theme, parse}, and leaves the verdicts to the Go test.
// Nothing is downloaded: theme-check's Liquid docs come from the copy bundled in the package.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// A cache of downloaded docs would be newer than the bundled ones: use an empty one.
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'leadtime-theme-check-'));
process.env.XDG_CACHE_HOME = cache;

// theme-check-node resolves its own copy of the docs updater: stub that one's downloads.
const checkNode = require.resolve('@shopify/theme-check-node');
const downloader = require(require.resolve('@shopify/theme-check-docs-updater/dist/themeLiquidDocsDownloader', { paths: [checkNode] }));
for (const fn of ['downloadResource', 'downloadThemeLiquidDocs', 'downloadSchema', 'download']) {
  downloader[fn] = async () => { throw new Error('offline: theme-check may not download'); };
}
const { themeCheckRun } = require('@shopify/theme-check-node');
const { toLiquidHtmlAST } = require('@shopify/liquid-html-parser');

const offense = (root) => (o) => ({
  check: o.check,
  severity: ['error', 'warning', 'info'][o.severity] ?? String(o.severity),
  file: path.relative(root, o.uri.replace(/^file:\/\//, '')),
  line: (o.start?.line ?? 0) + 1,
  message: o.message,
});

(async () => {
  const [dir, ...files] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node tests/theme/lint.js EXTENSION_DIR FILE.liquid...');
    process.exit(2);
  }
  const root = path.resolve(dir);
  const app = await themeCheckRun(root, undefined, () => {});

  const config = path.join(cache, 'theme-context.yml');
  fs.writeFileSync(config, 'extends: theme-check:recommended\ncontext: theme\n');
  const theme = await themeCheckRun(root, config, () => {});

  const parse = files.map((f) => {
    try {
      toLiquidHtmlAST(fs.readFileSync(f, 'utf8'));
      return { file: f, error: null };
    } catch (e) {
      const at = e.loc ? `:${e.loc.start.line}:${e.loc.start.column}` : '';
      return { file: f, error: `${e.name}${at}: ${String(e.message).split('\n')[0]}` };
    }
  });
  process.stdout.write(JSON.stringify({
    app: app.offenses.map(offense(root)),
    theme: theme.offenses.map(offense(root)),
    checks: app.config.checks.length,
    parse,
  }));
  fs.rmSync(cache, { recursive: true, force: true });
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
