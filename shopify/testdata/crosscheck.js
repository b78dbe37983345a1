// Computes, with @shopify/shopify-api's own code, what crosscheck_test.go
// compares package shopify against: app proxy signatures, OAuth (admin)
// HMACs, webhook verdicts and session token verdicts. One process handles a
// whole batch: a JSON request on stdin, a JSON answer on stdout.
//
//   {"secret", "apiKey", "nowMs" (the clock to judge by),
//    "proxy":    ["raw query", ...],
//    "oauth":    ["raw query", ...],
//    "webhooks": [{"body", "hmac"}, ...],
//    "tokens":   [{"payload": {...}, "alg": "HS256"|"HS512"|"RS256"|"none", "key": "secret"}, ...]}
// ->
//   {"proxy":    [{"signature", "valid"}],   valid: validateHmac(query + signature) with the appProxy signator
//    "oauth":    [{"hmac", "valid"}],
//    "webhooks": [{"valid"}],
//    "tokens":   [{"token", "accepted", "error"}]}   accepted: shopify.session.decodeSessionToken
'use strict';
const path = require('node:path');
require('@shopify/shopify-api/adapters/node');
const { shopifyApi, ApiVersion, LogSeverity } = require('@shopify/shopify-api');

// Internal modules, not in the package's "exports": load them by path.
const libDir = path.dirname(require.resolve('@shopify/shopify-api'));
const { generateLocalHmac } = require(path.join(libDir, 'utils/hmac-validator.js'));
// jose as the library itself resolves it (it may pin its own copy).
const jose = require(require.resolve('jose', { paths: [libDir] }));

// parseQuery parses as URLSearchParams does and groups repeated keys into
// arrays, as a web framework hands the library a query. The object has no
// prototype, so that keys such as "constructor" are plain keys.
function parseQuery(qs) {
  const out = Object.create(null);
  for (const [k, v] of new URLSearchParams(qs)) {
    if (Object.hasOwn(out, k)) out[k] = [].concat(out[k], v);
    else out[k] = v;
  }
  return out;
}

async function verdict(fn) {
  try {
    return { ok: await fn(), error: '' };
  } catch (e) {
    return { ok: false, error: `${e.constructor.name}: ${e.message}` };
  }
}

async function main() {
  const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  const { secret, apiKey, nowMs } = input;
  // Judge at the Go test's instant, not node's: timestamps and token
  // expiry then compare exactly, however slowly this process started.
  const RealDate = Date;
  global.Date = class extends RealDate {
    constructor(...args) { super(...(args.length ? args : [nowMs])); }
    static now() { return nowMs; }
  };
  const shopify = shopifyApi({
    apiKey, apiSecretKey: secret, scopes: [], hostName: 'localhost:3000',
    apiVersion: Object.values(ApiVersion).filter((v) => v !== 'unstable').pop(),
    isEmbeddedApp: true, logger: { level: LogSeverity.Error, log: () => {} },
  });
  const hmacOf = generateLocalHmac({ apiSecretKey: secret });
  const out = { proxy: [], oauth: [], webhooks: [], tokens: [] };

  for (const qs of input.proxy || []) {
    const q = parseQuery(qs);
    const signature = await hmacOf(q, 'appProxy');
    const v = await verdict(() => shopify.utils.validateHmac({ ...q, signature }, { signator: 'appProxy' }));
    out.proxy.push({ signature, valid: v.ok, error: v.error });
  }
  for (const qs of input.oauth || []) {
    const q = parseQuery(qs);
    const hmac = await hmacOf(q, 'admin');
    const v = await verdict(() => shopify.utils.validateHmac({ ...q, hmac }, { signator: 'admin' }));
    out.oauth.push({ hmac, valid: v.ok, error: v.error });
  }
  for (const { body, hmac } of input.webhooks || []) {
    const rawRequest = {
      method: 'POST', url: '/webhooks', headers: {
        'x-shopify-hmac-sha256': hmac, 'x-shopify-topic': 'products/update',
        'x-shopify-shop-domain': 'my-store.myshopify.com', 'x-shopify-api-version': '2026-07',
        'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', 'x-shopify-event-id': 'e1',
      },
    };
    const r = await shopify.webhooks.validate({ rawBody: body, rawRequest, rawResponse: {} });
    out.webhooks.push({ valid: r.valid === true, reason: r.reason || '' });
  }
  const rsa = await jose.generateKeyPair('RS256');
  for (const { payload, alg, key } of input.tokens || []) {
    let token;
    if (alg === 'none') {
      token = new jose.UnsecuredJWT(payload).encode();
    } else {
      const k = alg === 'RS256' ? rsa.privateKey : new TextEncoder().encode(key);
      token = await new jose.SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(k);
    }
    const v = await verdict(async () => { await shopify.session.decodeSessionToken(token); return true; });
    out.tokens.push({ token, accepted: v.ok, error: v.error });
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => { console.error(e); process.exit(1); });
