// Shared by the browser tests: Debian's chromium driven by playwright-core, launched as
// ../shared/TOOLS.md says (no downloaded browser, no background networking on this closed
// network), and the layout-shift observer every page test uses to prove CLS is 0.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// launch starts chromium with a fresh profile, removed when the context closes, and the
// context options given (viewport, locale, timezoneId, ...), light colours by default.
export async function launch(name, options = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `leadtime-${name}-`));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    ...options,
  });
  const close = context.close.bind(context);
  context.close = async (...args) => {
    await close(...args);
    fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
  };
  return context;
}

// observeLayoutShifts is an init script (page.addInitScript): it measures layout shifts from
// the first paint on, for the whole session, into window.__shifts.
export function observeLayoutShifts() {
  window.__shifts = { cls: 0, all: 0, entries: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__shifts.all += e.value;
      if (!e.hadRecentInput) window.__shifts.cls += e.value;
      window.__shifts.entries.push({
        value: e.value,
        hadRecentInput: e.hadRecentInput,
        sources: (e.sources || []).map((s) => {
          const n = s.node;
          if (!n) return '?';
          return n.nodeType === 1 ? `${n.nodeName.toLowerCase()}#${n.id}.${n.className}` : n.nodeName;
        }),
      });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}
