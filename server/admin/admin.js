// Leadtime's settings page: the settings document as a form, validated as the merchant types
// (by the server's own validator, through POST /admin/api/preview) and previewed live.
//
// Every value from the document or the server is shown with textContent or as a form value,
// never as HTML: a rule named <script> is just a name.
'use strict';

(() => {
  const cfg = JSON.parse(document.getElementById('leadtime-admin-config').textContent);
  const $ = (id) => document.getElementById(id);
  const form = $('settings');

  // ---- state -------------------------------------------------------------------------------

  let doc = null; // the document being edited
  let savedJSON = ''; // the document as last loaded or saved
  let etag = ''; // its ETag
  let lastPreview = null; // the last good preview
  let problemsShown = 0;

  const regionNames = safeDisplayNames('region');
  const languageNames = safeDisplayNames('language');

  function safeDisplayNames(type) {
    try {
      return new Intl.DisplayNames(['en'], { type });
    } catch {
      return null;
    }
  }
  function countryName(code) {
    if (code === '*') return 'Rest of the world';
    const [country, sub] = code.split('-');
    let name = code;
    try {
      name = (regionNames && regionNames.of(country)) || code;
    } catch { /* an unknown code stays a code */ }
    return sub ? `${name} (${sub})` : name;
  }
  function languageName(tag) {
    try {
      return (languageNames && languageNames.of(tag)) || tag;
    } catch {
      return tag;
    }
  }

  // ---- DOM helpers ---------------------------------------------------------------------------

  // h builds an element. Strings become text nodes, never markup.
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c == null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  let uid = 0;
  const nextId = (prefix) => `${prefix}-${++uid}`;

  // field builds a labelled control with an optional hint. label is what a screen reader and
  // the problem summary call it.
  function field({ id: givenId, label, path, type = 'text', value, hint, onInput, options, attrs = {}, cls, summaryLabel }) {
    const id = givenId || nextId('f');
    let control;
    if (type === 'select') {
      control = h('select', { id, ...attrs }, options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)));
    } else if (type === 'textarea') {
      control = h('textarea', { id, rows: 2, spellcheck: 'false', ...attrs });
      control.value = value ?? '';
    } else {
      control = h('input', { id, type, ...attrs });
      control.value = value ?? '';
    }
    if (path) control.dataset.path = path;
    control.dataset.label = summaryLabel || label;
    const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
    if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
    if (onInput) control.addEventListener(type === 'select' ? 'change' : 'input', () => onInput(control.value, control));
    return h('div', { class: `field${cls ? ' ' + cls : ''}` }, h('label', { for: id }, label), control, hintEl);
  }

  // range builds a "min – max days" pair inside a fieldset.
  function rangeField({ legend, path, value, onChange, placeholder = ['', ''], hint, summaryLabel }) {
    const mk = (key, label, ph) => {
      const input = h('input', {
        type: 'number', min: 0, max: 365, inputmode: 'numeric', placeholder: ph,
      });
      input.value = value && value[key] != null ? value[key] : '';
      input.dataset.path = `${path}.${key}`;
      input.dataset.label = `${summaryLabel || legend}: ${label.toLowerCase()}`;
      input.addEventListener('input', () => onChange(key, input.value));
      return h('label', {}, label, ' ', input);
    };
    const hintEl = hint ? h('p', { class: 'hint', id: nextId('hint') }, hint) : null;
    const fs = h('fieldset', { class: 'field range', 'aria-describedby': hintEl && hintEl.id },
      h('legend', {}, legend),
      h('div', { class: 'range-inputs' }, mk('min', 'At least', placeholder[0]), h('span', { 'aria-hidden': 'true' }, '–'), mk('max', 'At most', placeholder[1]), h('span', { class: 'unit' }, 'days')),
      hintEl);
    fs.dataset.path = path;
    return fs;
  }

  // ---- API -----------------------------------------------------------------------------------

  async function api(method, url, body, headers = {}) {
    const h2 = { Accept: 'application/json', ...headers };
    if (body !== undefined) h2['Content-Type'] = 'application/json';
    if (cfg.embedded) {
      if (!window.shopify || !window.shopify.idToken) throw new Error('App Bridge did not load: open Leadtime from your Shopify admin.');
      h2.Authorization = `Bearer ${await window.shopify.idToken()}`;
    }
    const res = await fetch(url, { method, headers: h2, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    let data = null;
    const text = await res.text();
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    return { status: res.status, ok: res.ok, etag: res.headers.get('ETag'), data };
  }
  const errorMessage = (res) => (res.data && res.data.error && res.data.error.message) || `The server answered ${res.status}.`;

  // ---- announcements, banner, status ---------------------------------------------------------

  function announce(text) {
    const a = $('announcer');
    a.textContent = '';
    // A fresh text node is announced even when the text repeats.
    setTimeout(() => { a.textContent = text; }, 30);
  }
  function banner(kind, text, action) {
    const b = $('banner');
    b.replaceChildren(h('p', {}, text));
    b.className = `banner banner-${kind}`;
    if (action) b.append(h('button', { type: 'button', class: 'btn', onclick: action.run }, action.label));
    b.append(h('button', { type: 'button', class: 'btn btn-plain', 'aria-label': 'Dismiss this message', onclick: () => { b.hidden = true; } }, '×'));
    b.hidden = false;
    b.focus();
  }
  function toast(text) {
    if (cfg.embedded && window.shopify && window.shopify.toast) window.shopify.toast.show(text);
  }

  function versionOf(tag) {
    const m = /^"(\d+)-/.exec(tag || '');
    return m ? Number(m[1]) : 0;
  }
  const isDirty = () => doc && JSON.stringify(doc) !== savedJSON;
  function updateSaveState() {
    const dirty = isDirty();
    const v = versionOf(etag);
    $('save-state').textContent = dirty ? 'Unsaved changes' : v ? `Saved · version ${v}` : 'From the settings file · not saved yet';
    $('save-state').classList.toggle('dirty', dirty);
    $('discard').disabled = !dirty;
  }

  // ---- document helpers ----------------------------------------------------------------------

  const splitList = (s) => s.split(/[,\n]/).map((x) => x.trim()).filter(Boolean);
  const joinList = (xs) => (xs || []).join(', ');
  const numberOrText = (v) => (v === '' ? undefined : /^-?\d+$/.test(v.trim()) ? Number(v) : v);

  // setDays sets one end of a {min, max} range at obj[key]; both ends empty removes it.
  function setDays(obj, key, end, raw) {
    const cur = { ...(obj[key] || {}) };
    const v = numberOrText(raw);
    if (v === undefined) delete cur[end];
    else cur[end] = v;
    if (Object.keys(cur).length === 0) delete obj[key];
    else obj[key] = cur;
  }
  function changed() {
    updateSaveState();
    schedulePreview();
  }

  // ---- rendering the form --------------------------------------------------------------------

  function renderAll() {
    renderClock();
    renderCalendars();
    renderClosures();
    renderProcessing();
    renderRules();
    renderShipping();
    renderMessages();
    renderOrigins();
    renderFeed();
    renderPreviewControls();
    updateSaveState();
  }

  function renderClock() {
    $('f-timezone').value = doc.timezone || '';
    const country = $('f-country');
    if (!country.options.length) {
      country.append(...cfg.countries.map((c) => h('option', { value: c }, `${countryName(c)} (${c})`))
        .sort((a, b) => a.textContent.localeCompare(b.textContent)));
    }
    if (doc.country && !cfg.countries.includes(doc.country)) country.append(h('option', { value: doc.country }, doc.country));
    country.value = doc.country || '';
    const locale = $('f-locale');
    for (const o of locale.options) if (o.value) o.textContent = `${languageName(o.value)} (${o.value})`;
    locale.value = doc.locale || '';
    $('f-cutoff').value = doc.cutoff || '';
    for (const input of form.querySelectorAll('[data-weekday]')) {
      input.value = (doc.cutoff_by_weekday || {})[input.dataset.weekday] || '';
    }
    setDayChecks($('f-processing-days'), doc.processing_days);
  }
  function setDayChecks(box, days) {
    const set = days ? days.map((d) => d.toLowerCase()) : ['mon', 'tue', 'wed', 'thu', 'fri'];
    for (const cb of box.querySelectorAll('input')) cb.checked = set.includes(cb.value);
  }
  function readDayChecks(box) {
    return [...box.querySelectorAll('input')].filter((cb) => cb.checked).map((cb) => cb.value);
  }

  function effectiveCalendars() {
    if (Array.isArray(doc.holidays)) return doc.holidays;
    return cfg.calendars.includes(doc.country) ? [doc.country] : [];
  }
  function renderCalendars() {
    const list = $('calendar-list');
    const codes = effectiveCalendars();
    list.replaceChildren(...codes.map((code, i) => h('li', { class: 'tag' },
      h('span', {}, `${countryName(code)} (${code})`),
      h('button', {
        type: 'button', class: 'tag-remove', 'aria-label': `Remove the ${countryName(code)} (${code}) calendar`,
        onclick: () => {
          doc.holidays = codes.filter((c) => c !== code);
          renderCalendars();
          const rest = list.querySelectorAll('.tag-remove');
          (rest[Math.min(i, rest.length - 1)] || $('f-add-calendar')).focus();
          announce(`${countryName(code)} removed from the holiday calendars.`);
          changed();
        },
      }, '×'))));
    if (!codes.length) list.append(h('li', { class: 'muted' }, 'No calendar: public holidays are processing days.'));
    $('f-holidays-hint').textContent = Array.isArray(doc.holidays)
      ? 'Subdivisions such as DE-BY add regional holidays.'
      : `Following the country orders ship from (${doc.country || '—'}). Subdivisions such as DE-BY add regional holidays.`;
    const add = $('f-add-calendar');
    add.replaceChildren(h('option', { value: '' }, 'Choose a calendar…'),
      ...cfg.calendars.filter((c) => !codes.includes(c))
        .map((c) => h('option', { value: c }, `${countryName(c)} (${c})`))
        .sort((a, b) => a.textContent.localeCompare(b.textContent)));
    loadHolidays(codes);
  }

  let holidaysSeq = 0;
  async function loadHolidays(codes) {
    const my = ++holidaysSeq;
    const body = $('upcoming-body');
    if (!codes.length) {
      body.replaceChildren(h('tr', {}, h('td', { colspan: 3, class: 'muted' }, 'No holiday calendar chosen.')));
      $('upcoming-title').textContent = 'Upcoming holidays';
      return;
    }
    const res = await api('GET', `/admin/api/holidays?codes=${encodeURIComponent(codes.join(','))}`);
    if (my !== holidaysSeq) return;
    if (!res.ok) {
      body.replaceChildren(h('tr', {}, h('td', { colspan: 3 }, errorMessage(res))));
      return;
    }
    const hs = res.data.holidays;
    $('upcoming-title').textContent = `Upcoming holidays in the next 12 months (${hs.length})`;
    body.replaceChildren(...hs.map((x) => h('tr', {},
      h('td', { class: 'nowrap' }, fmtDate(x.date, true)), h('td', {}, x.name), h('td', {}, x.calendar))));
  }

  function renderClosures() {
    const list = $('closure-list');
    const closures = doc.closures || [];
    list.replaceChildren(...closures.map((c, i) => {
      const path = `closures[${i}]`;
      const ctx = `Closure ${i + 1}`;
      return h('li', { class: 'row', 'data-context': ctx },
        field({ label: 'From', type: 'date', path: `${path}.from`, value: c.from, summaryLabel: `from`, onInput: (v) => { c.from = v; changed(); } }),
        field({ label: 'To', type: 'date', path: `${path}.to`, value: c.to, summaryLabel: `to`, onInput: (v) => { c.to = v; changed(); } }),
        field({ label: 'Label', path: `${path}.label`, value: c.label, summaryLabel: `label`, cls: 'grow', attrs: { placeholder: 'Summer break' }, onInput: (v) => { if (v) c.label = v; else delete c.label; changed(); } }),
        h('div', { class: 'problem-slot', 'data-path': path }),
        h('button', {
          type: 'button', class: 'btn btn-plain btn-danger', 'aria-label': `Remove closure ${i + 1}${c.label ? ` (${c.label})` : ''}`,
          onclick: () => {
            closures.splice(i, 1);
            if (!closures.length) delete doc.closures;
            renderClosures();
            const rm = list.querySelectorAll('.btn-danger');
            (rm[Math.min(i, rm.length - 1)] || $('add-closure')).focus();
            announce('Closure removed.');
            changed();
          },
        }, 'Remove'));
    }));
  }

  function renderProcessing() {
    const set = (id, v) => { $(id).value = v ?? ''; };
    set('f-proc-min', doc.processing && doc.processing.min);
    set('f-proc-max', doc.processing && doc.processing.max);
    set('f-back-min', doc.backorder && doc.backorder.min);
    set('f-back-max', doc.backorder && doc.backorder.max);
  }

  const matchKeys = [
    ['tags', 'Tags', 'e.g. handmade, linen'],
    ['collections', 'Collections (handles)', 'e.g. wedding'],
    ['products', 'Products (handles or ids)', 'e.g. wool-sweater'],
    ['vendors', 'Vendors', ''],
    ['product_types', 'Product types', ''],
    ['variants', 'Variants (ids)', ''],
  ];

  function renderRules(focus) {
    const list = $('rule-list');
    const rules = doc.rules || [];
    list.replaceChildren(...rules.map((r, i) => ruleCard(r, i, rules)));
    if (!rules.length) list.append(h('li', { class: 'empty' }, 'No rules yet: every product without its own processing time uses the default.'));
    renderRuleMatches();
    if (focus) focus();
  }

  function ruleCard(r, i, rules) {
    const path = `rules[${i}]`;
    const title = () => `Rule ${i + 1}${r.name ? `: ${r.name}` : ''}`;
    const heading = h('h3', { id: nextId('rule') }, title());
    r.match = r.match || {};
    const matchFields = matchKeys.map(([key, label, ph]) => field({
      label, path: `${path}.match.${key}`, value: key === 'products' || key === 'variants' ? joinList((r.match[key] || []).map(String)) : joinList(r.match[key]),
      summaryLabel: `${label.toLowerCase()}`, attrs: { placeholder: ph, spellcheck: 'false' },
      onInput: (v) => {
        const values = splitList(v);
        if (values.length) r.match[key] = key === 'variants' ? values.map(numberOrText) : values;
        else delete r.match[key];
        changed();
      },
    }));
    const move = (delta) => {
      const j = i + delta;
      [rules[i], rules[j]] = [rules[j], rules[i]];
      renderRules(() => {
        const card = $('rule-list').children[j];
        const btn = card.querySelector(delta < 0 ? '[data-move="up"]' : '[data-move="down"]');
        (btn && !btn.disabled ? btn : card.querySelector('[data-move]:not([disabled])')).focus();
      });
      announce(`${r.name || 'Rule'} moved to position ${j + 1} of ${rules.length}.`);
      changed();
    };
    const li = h('li', { class: 'card-inner rule', 'aria-labelledby': heading.id },
      h('div', { class: 'rule-head' }, heading,
        h('div', { class: 'rule-tools' },
          h('button', { type: 'button', class: 'btn btn-plain', 'data-move': 'up', disabled: i === 0, 'aria-label': `Move ${title()} up`, onclick: () => move(-1) }, '↑ Up'),
          h('button', { type: 'button', class: 'btn btn-plain', 'data-move': 'down', disabled: i === rules.length - 1, 'aria-label': `Move ${title()} down`, onclick: () => move(1) }, '↓ Down'),
          h('button', {
            type: 'button', class: 'btn btn-plain btn-danger', 'aria-label': `Delete ${title()}`,
            onclick: () => {
              rules.splice(i, 1);
              if (!rules.length) delete doc.rules;
              renderRules(() => {
                const cards = $('rule-list').querySelectorAll('.rule');
                const next = cards[Math.min(i, cards.length - 1)];
                (next ? next.querySelector('input') : $('add-rule')).focus();
              });
              announce(`${r.name || 'Rule'} deleted.`);
              changed();
            },
          }, 'Delete'))),
      h('div', { class: 'problem-slot', 'data-path': path }),
      h('div', { class: 'grid grid-2' },
        field({
          label: 'Name', path: `${path}.name`, value: r.name, summaryLabel: `name`, attrs: { spellcheck: 'false', autocomplete: 'off' },
          onInput: (v) => { r.name = v; heading.textContent = title(); changed(); },
        }),
        field({
          label: 'Readiness', type: 'select', path: `${path}.readiness`, value: r.readiness || '', summaryLabel: `readiness`,
          options: [{ value: '', label: 'Not set' }, { value: 'made_to_order', label: 'Made to order' }, { value: 'ready_to_ship', label: 'Ready to ship' }],
          onInput: (v) => { if (v) r.readiness = v; else delete r.readiness; changed(); },
        })),
      h('fieldset', { class: 'field match', 'data-path': `${path}.match` },
        h('legend', {}, 'Matches products with'),
        h('p', { class: 'hint' }, 'Separate values with commas. Every filled line must match; any value on a line will do. Tags, vendors and types ignore case.'),
        h('div', { class: 'grid grid-3' }, matchFields)),
      h('div', { class: 'grid grid-2' },
        rangeField({
          legend: 'Processing time', path: `${path}.processing`, value: r.processing, summaryLabel: `processing time`,
          hint: 'Empty keeps the time from elsewhere (a readiness or ships-on rule).',
          onChange: (end, v) => { setDays(r, 'processing', end, v); changed(); },
        }),
        field({
          label: 'Ships on (pre-order)', type: 'date', path: `${path}.ships_on`, value: r.ships_on, summaryLabel: `ships on`,
          hint: 'Nothing ships before this date.', onInput: (v) => { if (v) r.ships_on = v; else delete r.ships_on; changed(); },
        })),
      h('p', { class: 'matches', 'data-rule-matches': i }, '…'));
    return li;
  }

  function renderRuleMatches() {
    const known = lastPreview && lastPreview.known;
    const cards = document.querySelectorAll('[data-rule-matches]');
    if (!known) {
      $('rules-known').textContent = '';
      for (const p of cards) p.textContent = 'Its matches show once the settings are valid.';
      return;
    }
    $('rules-known').textContent = known.source === 'catalog'
      ? `Matches are checked against the ${known.count} products of the catalog in the settings.`
      : `With Shopify, Leadtime reads products one at a time and cannot list every product, so matches are checked against the ${known.count} products in the preview. Add products to the preview to check more.`;
    for (const p of cards) {
      const rule = lastPreview.rules[Number(p.dataset.ruleMatches)];
      if (!rule) { p.textContent = 'Its matches show once the settings are valid.'; continue; }
      const names = rule.matches.map((m) => (m.variants < m.of ? `${m.title || m.handle} (${m.variants} of ${m.of} variants)` : m.title || m.handle));
      const of = known.source === 'catalog' ? `of the ${known.count} products in the catalog` : `of the ${known.count} products in the preview`;
      p.replaceChildren(h('strong', {}, `Matches ${rule.matches.length} ${of}`), names.length ? `: ${names.join(', ')}` : '.');
    }
  }

  function renderShipping() {
    const sh = doc.shipping = doc.shipping || {};
    setDayChecks($('f-carrier-days'), sh.carrier_days);
    $('f-dest-holidays').checked = sh.destination_holidays !== false;
    renderZones();
  }

  function renderZones() {
    const list = $('zone-list');
    const zones = doc.shipping.zones = doc.shipping.zones || [];
    list.replaceChildren(...zones.map((z, i) => {
      const path = `shipping.zones[${i}]`;
      const title = () => `Zone ${i + 1}${z.name ? `: ${z.name}` : ''}`;
      const heading = h('h3', { id: nextId('zone') }, title());
      z.methods = z.methods || [];
      const methods = h('tbody', {}, z.methods.map((m, j) => {
        const mp = `${path}.methods[${j}]`;
        const cell = (key, label, type, attrs = {}) => {
          const input = h('input', { type, 'aria-label': `${label}, method ${j + 1} of ${title()}`, ...attrs });
          input.value = m[key] ?? '';
          input.dataset.path = `${mp}.${key}`;
          input.dataset.label = `method ${j + 1}: ${label.toLowerCase()}`;
          input.addEventListener('input', () => {
            if (type === 'number') {
              const v = numberOrText(input.value);
              if (v === undefined) delete m[key]; else m[key] = v;
            } else if (input.value) m[key] = input.value; else delete m[key];
            changed();
          });
          return h('td', {}, input);
        };
        // The titles of Shopify's delivery options this method is: the
        // checkout function renames only options it can match.
        const listCell = (key, label, attrs = {}) => {
          const input = h('input', { type: 'text', 'aria-label': `${label}, method ${j + 1} of ${title()}`, ...attrs });
          input.value = joinList(m[key]);
          input.dataset.path = `${mp}.${key}`;
          input.dataset.label = `method ${j + 1}: ${label.toLowerCase()}`;
          input.addEventListener('input', () => {
            const v = splitList(input.value);
            if (v.length) m[key] = v; else delete m[key];
            changed();
          });
          return h('td', {}, input);
        };
        return h('tr', {},
          cell('code', 'Code', 'text', { spellcheck: 'false', placeholder: 'standard' }),
          cell('name', 'Name', 'text', { placeholder: 'PostNord' }),
          cell('min', 'Fewest days', 'number', { min: 0, max: 365, inputmode: 'numeric' }),
          cell('max', 'Most days', 'number', { min: 0, max: 365, inputmode: 'numeric' }),
          listCell('checkout_titles', 'Checkout option titles', { spellcheck: 'false', placeholder: 'Standard, PostNord MyPack Home' }),
          h('td', {}, h('button', {
            type: 'button', class: 'btn btn-plain btn-danger', 'aria-label': `Remove method ${j + 1} of ${title()}`,
            onclick: () => { z.methods.splice(j, 1); renderZones(); $('zone-list').children[i].querySelector('[data-add-method]').focus(); announce('Method removed.'); changed(); },
          }, 'Remove')));
      }));
      return h('li', { class: 'card-inner zone', 'aria-labelledby': heading.id },
        h('div', { class: 'rule-head' }, heading,
          h('button', {
            type: 'button', class: 'btn btn-plain btn-danger', 'aria-label': `Delete ${title()}`,
            onclick: () => { zones.splice(i, 1); renderZones(); $('add-zone').focus(); announce('Zone deleted.'); changed(); },
          }, 'Delete')),
        h('div', { class: 'problem-slot', 'data-path': path }),
        h('div', { class: 'grid grid-2' },
          field({ label: 'Name', path: `${path}.name`, value: z.name, summaryLabel: `name`, onInput: (v) => { z.name = v; heading.textContent = title(); changed(); } }),
          field({
            label: 'Countries', path: `${path}.countries`, value: joinList(z.countries), summaryLabel: `countries`,
            hint: 'Country codes, comma-separated, like SE, NO. * is the rest of the world.', attrs: { spellcheck: 'false' },
            onInput: (v) => { z.countries = splitList(v).map((c) => (c === '*' ? c : c.toUpperCase())); changed(); renderPreviewDestinations(); },
          })),
        h('div', { class: 'table-wrap' },
          h('table', { class: 'table methods', 'data-path': `${path}.methods` },
            h('caption', { class: 'left' }, `Shipping methods of ${z.name || `zone ${i + 1}`}: transit in carrier days. The first is the default.`),
            h('thead', {}, h('tr', {}, ['Code', 'Name', 'Fewest days', 'Most days', 'Checkout option titles', ''].map((t) => h('th', { scope: 'col' }, t)))),
            methods)),
        h('button', {
          type: 'button', class: 'btn', 'data-add-method': '',
          onclick: () => {
            z.methods.push({ code: '', min: 1, max: 3 });
            renderZones();
            const rows = $('zone-list').children[i].querySelectorAll('tbody tr');
            rows[rows.length - 1].querySelector('input').focus();
            changed();
          },
        }, 'Add method'));
    }));
  }

  function renderMessages() {
    const list = $('message-list');
    const messages = doc.messages || {};
    const locales = Object.keys(messages).sort();
    list.replaceChildren(...locales.map((locale) => {
      const kinds = messages[locale];
      const heading = h('h3', { id: nextId('msg') }, `${languageName(locale)} (${locale})`);
      return h('li', { class: 'card-inner', 'aria-labelledby': heading.id, lang: 'en' },
        h('div', { class: 'rule-head' }, heading,
          h('button', {
            type: 'button', class: 'btn btn-plain btn-danger', 'aria-label': `Remove the ${languageName(locale)} overrides`,
            onclick: () => { delete messages[locale]; if (!Object.keys(messages).length) delete doc.messages; renderMessages(); $('f-add-locale').focus(); changed(); },
          }, 'Remove')),
        h('div', { class: 'problem-slot', 'data-path': `messages.${locale}` }),
        h('div', { class: 'grid grid-2' }, cfg.kinds.map((kind) => field({
          label: kindLabel(kind), type: 'textarea', path: `messages.${locale}.${kind}`, value: kinds[kind] || '',
          summaryLabel: kindLabel(kind),
          attrs: { placeholder: 'Built-in text', lang: locale },
          onInput: (v) => { if (v.trim()) kinds[kind] = v; else delete kinds[kind]; changed(); },
        }))));
    }));
    const add = $('f-add-locale');
    add.replaceChildren(...cfg.locales.filter((l) => !messages[l]).map((l) => h('option', { value: l }, `${languageName(l)} (${l})`)));
    $('add-locale').disabled = !add.options.length;
  }
  function kindLabel(kind) {
    return {
      product: 'Product page', cart: 'Cart', email: 'Order emails', countdown: 'Countdown ({{ remaining }})',
      preorder: 'Pre-order', backorder: 'Backorder', unavailable: 'Sold out',
    }[kind] || kind;
  }

  function renderFeed() {
    const f = doc.feed || {};
    $('f-feed-id-format').value = f.id_format || '';
    $('f-feed-shipping').checked = !!f.shipping;
  }
  function setFeed(key, value) {
    const f = { ...(doc.feed || {}) };
    if (value) f[key] = value; else delete f[key];
    if (Object.keys(f).length) doc.feed = f; else delete doc.feed;
    changed();
  }
  // loadFeedToken shows the feed URL; rotate asks for a new one.
  async function loadFeedToken(rotate) {
    const res = await api(rotate ? 'POST' : 'GET', '/admin/api/feed-token');
    if (!res.ok) {
      $('f-feed-url').value = '';
      $('f-feed-url-hint').textContent = errorMessage(res);
      return;
    }
    $('f-feed-url').value = res.data.tsv_url;
    if (rotate) announce('New feed URL made. The old one no longer works: update Merchant Center.');
  }

  function renderOrigins() {
    $('f-origins').value = (doc.storefront_origins || []).join('\n');
    const note = $('catalog-note');
    const n = (doc.catalog || []).length;
    note.hidden = !n;
    note.textContent = n ? `These settings also carry an offline catalog of ${n} products, used while the shop has no Shopify connection (the demo). It is kept as it is; edit it in the YAML document.` : '';
  }

  // ---- static fields -------------------------------------------------------------------------

  function wireStaticFields() {
    $('f-timezone').addEventListener('input', (e) => { doc.timezone = e.target.value.trim(); changed(); });
    $('f-country').addEventListener('change', (e) => { doc.country = e.target.value; renderCalendars(); changed(); });
    $('f-locale').addEventListener('change', (e) => { if (e.target.value) doc.locale = e.target.value; else delete doc.locale; changed(); });
    $('f-cutoff').addEventListener('input', (e) => { if (e.target.value) doc.cutoff = e.target.value; else delete doc.cutoff; changed(); });
    for (const input of form.querySelectorAll('[data-weekday]')) {
      input.addEventListener('input', () => {
        const m = { ...(doc.cutoff_by_weekday || {}) };
        if (input.value) m[input.dataset.weekday] = input.value; else delete m[input.dataset.weekday];
        if (Object.keys(m).length) doc.cutoff_by_weekday = m; else delete doc.cutoff_by_weekday;
        changed();
      });
    }
    $('f-processing-days').addEventListener('change', () => { doc.processing_days = readDayChecks($('f-processing-days')); changed(); });
    $('f-carrier-days').addEventListener('change', () => { doc.shipping.carrier_days = readDayChecks($('f-carrier-days')); changed(); });
    $('f-dest-holidays').addEventListener('change', (e) => { doc.shipping.destination_holidays = e.target.checked; changed(); });
    for (const [id, key, end] of [['f-proc-min', 'processing', 'min'], ['f-proc-max', 'processing', 'max'], ['f-back-min', 'backorder', 'min'], ['f-back-max', 'backorder', 'max']]) {
      $(id).dataset.label = `${key === 'processing' ? 'Default processing time' : 'Backorder time'}: at ${end === 'min' ? 'least' : 'most'}`;
      $(id).addEventListener('input', (e) => { setDays(doc, key, end, e.target.value); changed(); });
    }
    $('f-origins').addEventListener('input', (e) => {
      const origins = splitList(e.target.value.replace(/,/g, '\n'));
      if (origins.length) doc.storefront_origins = origins; else delete doc.storefront_origins;
      changed();
    });
    $('f-feed-id-format').addEventListener('input', (e) => setFeed('id_format', e.target.value.trim()));
    $('f-feed-shipping').addEventListener('change', (e) => setFeed('shipping', e.target.checked));
    $('feed-rotate').addEventListener('click', () => {
      if (window.confirm('Make a new feed URL? The current one stops working at once.')) loadFeedToken(true);
    });
    $('add-calendar').addEventListener('click', () => {
      const code = $('f-add-calendar').value;
      if (!code) {
        $('f-add-calendar').focus();
        announce('Choose a calendar first.');
        return;
      }
      doc.holidays = [...effectiveCalendars(), code];
      renderCalendars();
      $('f-add-calendar').focus();
      announce(`${countryName(code)} added to the holiday calendars.`);
      changed();
    });
    $('add-closure').addEventListener('click', () => {
      doc.closures = doc.closures || [];
      doc.closures.push({ from: '', to: '', label: '' });
      renderClosures();
      $('closure-list').lastElementChild.querySelector('input').focus();
      changed();
    });
    $('add-rule').addEventListener('click', () => {
      doc.rules = doc.rules || [];
      const n = doc.rules.length + 1;
      let name = `rule-${n}`;
      while (doc.rules.some((r) => r.name === name)) name += '-new';
      doc.rules.push({ name, match: {}, processing: { min: 1, max: 3 } });
      renderRules(() => $('rule-list').lastElementChild.querySelector('input').focus());
      announce(`Rule ${n} added. Give it a name, the products it matches and its processing time.`);
      changed();
    });
    $('add-zone').addEventListener('click', () => {
      doc.shipping.zones.push({ name: '', countries: [], methods: [{ code: 'standard', min: 1, max: 5 }] });
      renderZones();
      $('zone-list').lastElementChild.querySelector('input').focus();
      changed();
    });
    $('add-locale').addEventListener('click', () => {
      const l = $('f-add-locale').value;
      if (!l) return;
      doc.messages = doc.messages || {};
      doc.messages[l] = {};
      renderMessages();
      $('message-list').querySelector(`textarea[lang="${CSS.escape(l)}"]`).focus();
      changed();
    });
    $('save').addEventListener('click', save);
    $('discard').addEventListener('click', () => {
      doc = JSON.parse(savedJSON);
      clearProblems();
      renderAll();
      schedulePreview(0);
      $('settings-start').focus();
      announce('Changes discarded.');
    });
    $('import').addEventListener('click', importFromShopify);
    form.addEventListener('submit', (e) => { e.preventDefault(); save(); });
    window.addEventListener('beforeunload', (e) => {
      if (isDirty()) e.preventDefault();
    });
  }

  // ---- problems at the field -----------------------------------------------------------------

  // targetFor finds the control a problem's path belongs to: the exact path, else its parent
  // (rules[2].match.tags[1] → rules[2].match.tags → rules[2].match → rules[2]).
  function targetFor(path) {
    let p = path;
    while (p) {
      const el = form.querySelector(`[data-path="${CSS.escape(p)}"]`);
      if (el) return el;
      const cut = p.match(/^(.*)(\[\d+\]|\.[^.[\]]+)$/);
      p = cut ? cut[1] : '';
    }
    return null;
  }
  const isControl = (el) => /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName);

  function clearProblems() {
    for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
    for (const el of form.querySelectorAll('[data-described]')) {
      if (el.dataset.described) el.setAttribute('aria-describedby', el.dataset.described);
      else el.removeAttribute('aria-describedby');
      delete el.dataset.described;
    }
    for (const el of form.querySelectorAll('.field-error, .table-errors')) el.remove();
    for (const el of form.querySelectorAll('.problem-slot')) el.replaceChildren();
    for (const el of form.querySelectorAll('.has-error')) el.classList.remove('has-error');
    $('summary').hidden = true;
    problemsShown = 0;
  }

  function showProblems(problems, { focusSummary = false } = {}) {
    clearProblems();
    const byTarget = new Map();
    const loose = [];
    for (const p of problems) {
      const el = p.path ? targetFor(p.path) : null;
      if (!el) { loose.push(p); continue; }
      if (!byTarget.has(el)) byTarget.set(el, []);
      byTarget.get(el).push(p);
    }
    const items = [];
    for (const [el, ps] of byTarget) {
      const text = ps.map((p) => (p.path && el.dataset.path !== p.path ? `${p.path}: ${p.message}` : p.message)).join(' · ');
      const err = h('p', { class: 'field-error', id: nextId('err') }, h('span', { class: 'sr-only' }, 'Error: '), text);
      placeError(el, err);
      for (const p of ps) items.push({ p, el });
    }
    for (const p of loose) items.push({ p, el: null });
    problemsShown = problems.length;
    if (!problems.length) return;
    const list = $('summary-list');
    list.replaceChildren(...items.map(({ p, el }) => {
      const label = el ? labelOf(el) : p.path || 'The document';
      const focusable = el && (isControl(el) ? el : el.querySelector('input, select, textarea, button'));
      return h('li', {}, focusable
        ? h('button', { type: 'button', class: 'link', onclick: () => reveal(focusable) }, `${label}: ${p.message}`)
        : `${label}: ${p.message}`);
    }));
    $('summary-title').textContent = problems.length === 1 ? 'Fix this problem to save' : `Fix these ${problems.length} problems to save`;
    $('summary').hidden = false;
    if (focusSummary) $('summary').focus();
  }
  // placeError shows err at el: a control gets aria-invalid and the message in its
  // aria-describedby; a group (fieldset, table) marks every control in it; a problem slot (a
  // rule or a zone as a whole) just shows the message.
  function placeError(el, err) {
    if (el.classList.contains('problem-slot')) {
      el.replaceChildren(err);
      return;
    }
    const controls = isControl(el) ? [el] : [...el.querySelectorAll('input, select, textarea')];
    const table = el.closest('.table-wrap');
    const range = el.closest('.range');
    if (table) {
      // After the table: a cell has no room for a sentence.
      let after = table.nextElementSibling;
      if (!after || !after.classList.contains('table-errors')) {
        after = h('div', { class: 'table-errors' });
        table.after(after);
      }
      after.append(err);
    } else if (range) {
      range.append(err);
      range.classList.add('has-error');
    } else if (isControl(el)) {
      const host = el.closest('.field') || el.parentElement;
      host.append(err);
      host.classList.add('has-error');
    } else {
      el.append(err);
      el.classList.add('has-error');
    }
    for (const c of controls) {
      c.setAttribute('aria-invalid', 'true');
      if (!('described' in c.dataset)) c.dataset.described = c.getAttribute('aria-describedby') || '';
      c.setAttribute('aria-describedby', `${c.dataset.described} ${err.id}`.trim());
    }
  }

  // labelOf names a field for the summary: its rule, zone or closure, then the field.
  function labelOf(el) {
    const item = el.closest('li.card-inner, li.row');
    const context = item ? (item.querySelector('h3') || {}).textContent || item.dataset.context : '';
    const own = el.classList.contains('problem-slot') ? '' : el.dataset.label || (el.querySelector('legend') || {}).textContent || '';
    const cap = own ? own[0].toUpperCase() + own.slice(1) : '';
    return [context, cap].filter(Boolean).join(' · ') || el.dataset.path;
  }

  function reveal(el) {
    for (let d = el.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
    el.focus();
  }

  // ---- preview -------------------------------------------------------------------------------

  let previewTimer = 0;
  let previewSeq = 0;
  function schedulePreview(delay = 400) {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(runPreview, delay);
  }

  function previewRequest() {
    const products = [...$('p-products-choices').querySelectorAll('input[type=checkbox]:checked')].map((c) => c.value);
    const typed = $('p-products-typed');
    if (typed) products.push(...splitList(typed.value));
    const when = document.querySelector('input[name=p-when]:checked').value;
    return {
      settings: doc,
      at: when === 'at' && $('p-at').value ? $('p-at').value : 'now',
      products,
      country: $('p-country').value,
      method: $('p-method').value,
      strip_product: $('p-strip-product').value,
    };
  }

  async function runPreview() {
    const my = ++previewSeq;
    const status = $('p-status');
    $('p-results').setAttribute('aria-busy', 'true');
    let res;
    try {
      res = await api('POST', '/admin/api/preview', previewRequest());
    } catch (err) {
      if (my === previewSeq) status.textContent = err.message;
      return;
    }
    if (my !== previewSeq) return;
    $('p-results').removeAttribute('aria-busy');
    if (res.status === 422 && res.data && res.data.error && res.data.error.problems) {
      const before = problemsShown;
      showProblems(res.data.error.problems);
      $('p-results').classList.add('stale');
      status.textContent = `The preview waits until ${problemsShown === 1 ? 'the problem is' : `the ${problemsShown} problems are`} fixed.`;
      if (problemsShown !== before) announce(`${problemsShown} ${problemsShown === 1 ? 'problem' : 'problems'} in the settings.`);
      return;
    }
    if (!res.ok) {
      if (problemsShown) clearProblems();
      $('p-results').classList.add('stale');
      status.textContent = errorMessage(res);
      return;
    }
    if (problemsShown) {
      clearProblems();
      announce('No problems left.');
    }
    $('p-results').classList.remove('stale');
    lastPreview = res.data;
    renderPreview(res.data);
    renderRuleMatches();
    status.textContent = `Preview updated for ${fmtDateTime(res.data.quoted_at)}.`;
  }

  function renderPreviewControls() {
    const box = $('p-products-choices');
    const keep = new Set([...box.querySelectorAll('input:checked')].map((c) => c.value));
    const catalog = doc.catalog || [];
    if (catalog.length) {
      const first = !box.dataset.ready;
      box.replaceChildren(...catalog.map((p, i) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', value: p.handle, checked: first ? i < 3 : keep.has(p.handle), onchange: () => schedulePreview(0) }),
        ` ${p.title || p.handle}`)));
      box.dataset.ready = '1';
    } else if (!$('p-products-typed')) {
      box.replaceChildren(field({
        id: 'p-products-typed', label: 'Product handles or ids', hint: 'Comma-separated; Leadtime loads them from Shopify.',
        attrs: { spellcheck: 'false', placeholder: 'wool-sweater, 1001' }, onInput: () => schedulePreview(),
      }));
    }
    renderPreviewDestinations();
  }

  function renderPreviewDestinations() {
    const sel = $('p-country');
    const keep = sel.value || doc.country;
    const zones = (doc.shipping && doc.shipping.zones) || [];
    const claimed = new Set();
    const groups = [];
    for (const z of zones) {
      const cs = (z.countries || []).filter((c) => c !== '*' && cfg.countries.includes(c));
      cs.forEach((c) => claimed.add(c));
      if (cs.length) groups.push(h('optgroup', { label: z.name || 'Zone' }, cs.map((c) => h('option', { value: c }, `${countryName(c)} (${c})`))));
    }
    if (zones.some((z) => (z.countries || []).includes('*'))) {
      const rest = cfg.countries.filter((c) => !claimed.has(c)).map((c) => h('option', { value: c }, `${countryName(c)} (${c})`))
        .sort((a, b) => a.textContent.localeCompare(b.textContent));
      groups.push(h('optgroup', { label: (zones.find((z) => (z.countries || []).includes('*')) || {}).name || 'Rest of the world' }, rest));
    }
    sel.replaceChildren(...groups);
    if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
    renderPreviewMethods();
  }

  function renderPreviewMethods() {
    const sel = $('p-method');
    const keep = sel.value;
    const country = $('p-country').value;
    const zones = (doc.shipping && doc.shipping.zones) || [];
    const zone = zones.find((z) => (z.countries || []).includes(country)) || zones.find((z) => (z.countries || []).includes('*'));
    const methods = (zone && zone.methods) || [];
    sel.replaceChildren(h('option', { value: '' }, 'Default (the first)'),
      ...methods.filter((m) => m.code).map((m) => h('option', { value: m.code }, m.name ? `${m.name} (${m.code})` : m.code)));
    if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
  }

  function renderPreview(pv) {
    $('p-start').textContent = pv.start || '';
    const answers = $('p-answers');
    answers.replaceChildren(...pv.products.map(productCard));
    if (!pv.products.length) answers.append(h('p', { class: 'muted' }, 'Choose products above to see their promise.'));
    // The strip's product picker follows the products in the preview.
    const sp = $('p-strip-product');
    const keep = sp.value;
    sp.replaceChildren(h('option', { value: '' }, pv.products.length ? 'The first product' : 'A product without its own time'),
      ...pv.products.filter((p) => !p.error).map((p) => h('option', { value: p.ref }, p.title || p.ref)));
    if ([...sp.options].some((o) => o.value === keep)) sp.value = keep;
    $('p-strip-caption').textContent = `${pv.strip.title || pv.strip.product || 'The default'}, to ${countryName(pv.country)} by ${pv.method}. Days that are not processing days are marked.`;
    $('p-strip-body').replaceChildren(...pv.strip.days.map((d) => h('tr', { class: d.open ? '' : `closed closed-${d.closed}` },
      h('th', { scope: 'row' }, h('span', { class: 'nowrap' }, fmtDate(d.date, true)),
        d.open ? null : h('span', { class: `badge badge-${d.closed}` }, d.closed === 'weekend' ? 'No processing' : d.closed === 'holiday' ? `Holiday: ${d.reason}` : `Closed: ${d.reason}`)),
      h('td', {}, d.ships ? fmtWindow(d.ships, true) : 'Not available'),
      h('td', {}, d.delivery ? fmtWindow(d.delivery, true) : '—'))));
  }

  function productCard(p) {
    if (p.error) {
      return h('article', { class: 'pcard pcard-error' }, h('h4', {}, p.ref), h('p', {}, p.error.message));
    }
    const a = p.answer;
    const primary = p.messages[0] || {};
    const pr = a.processing;
    const source = { variant_metafield: 'Variant metafield', product_metafield: 'Product metafield', rule: `Rule “${pr.rule}”`, default: 'Shop default' }[pr.source] || pr.source;
    return h('article', { class: 'pcard', 'data-product': p.ref },
      h('h4', {}, p.title || p.ref, ' ', h('span', { class: 'muted' }, p.ref)),
      h('p', { class: 'promise', lang: primary.locale }, primary.text || ''),
      primary.countdown ? h('p', { class: 'countdown', lang: primary.locale }, primary.countdown) : null,
      h('dl', { class: 'facts' },
        a.available ? [
          h('div', {}, h('dt', {}, 'Ships'), h('dd', {}, fmtWindow(a.ships))),
          h('div', {}, h('dt', {}, 'Arrives'), h('dd', {}, fmtWindow(a.delivery))),
        ] : h('div', {}, h('dt', {}, 'Dates'), h('dd', {}, 'None: sold out')),
        h('div', {}, h('dt', {}, 'Processing'), h('dd', {}, `${pr.min_days === pr.max_days ? pr.min_days : `${pr.min_days}–${pr.max_days}`} days · ${pr.readiness === 'made_to_order' ? 'made to order' : 'ready to ship'}`)),
        h('div', {}, h('dt', {}, 'From'), h('dd', { 'data-source': pr.source }, source))),
      h('p', { class: 'why' }, p.why),
      p.messages.length > 1 ? h('ul', { class: 'locales', 'aria-label': 'In every language of the shop' },
        p.messages.slice(1).map((m) => h('li', {}, h('span', { class: 'badge' }, m.locale), ' ', h('span', { lang: m.locale }, m.text)))) : null);
  }

  // Dates are civil dates (YYYY-MM-DD): formatted in UTC so that no time zone shifts them.
  const dateFmt = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  function fmtDate(s, weekday) {
    const [y, m, d] = s.split('-').map(Number);
    const dt = new Date(Date.UTC(y, m - 1, d));
    return weekday ? dateFmt.format(dt) : dt.toISOString().slice(0, 10);
  }
  const partsFmt = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  function dateParts(s) {
    const [y, m, d] = s.split('-').map(Number);
    const parts = Object.fromEntries(partsFmt.formatToParts(new Date(Date.UTC(y, m - 1, d))).map((p) => [p.type, p.value]));
    return { ...parts, ym: s.slice(0, 7) };
  }
  // fmtWindow writes a window compactly: "Mon 7 – Thu 10 Dec", "Mon 30 Nov – Tue 1 Dec"; without
  // weekdays when short: "7–10 Dec".
  function fmtWindow(w, short) {
    const a = dateParts(w.earliest);
    const b = dateParts(w.latest);
    const wd = (p) => (short ? '' : `${p.weekday} `);
    if (w.earliest === w.latest) return `${wd(a)}${a.day} ${a.month}`;
    if (a.ym === b.ym) return short ? `${a.day}–${b.day} ${b.month}` : `${wd(a)}${a.day} – ${wd(b)}${b.day} ${b.month}`;
    return `${wd(a)}${a.day} ${a.month} – ${wd(b)}${b.day} ${b.month}`;
  }
  function fmtDateTime(s) {
    // The shop's own clock: quoted_at carries its offset.
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(s);
    return m ? `${fmtDate(m[1], true)} ${m[2]} shop time` : s;
  }

  // ---- load, save, history, import -----------------------------------------------------------

  async function load() {
    const res = await api('GET', '/admin/api/settings');
    if (!res.ok) {
      $('save-state').textContent = 'Could not load the settings';
      banner('critical', errorMessage(res));
      return false;
    }
    doc = res.data;
    etag = res.etag;
    savedJSON = JSON.stringify(doc);
    renderAll();
    return true;
  }

  async function save() {
    if (!isDirty()) {
      announce('Nothing to save: no changes.');
      $('save-state').textContent = `No changes · version ${versionOf(etag) || 'from the file'}`;
      return;
    }
    clearTimeout(previewTimer);
    $('save').disabled = true;
    $('save-state').textContent = 'Saving…';
    let res;
    try {
      res = await api('PUT', '/admin/api/settings', doc, { 'If-Match': etag });
    } finally {
      $('save').disabled = false;
    }
    if (res.ok) {
      doc = res.data;
      etag = res.etag;
      savedJSON = JSON.stringify(doc);
      $('banner').hidden = true;
      clearProblems();
      renderAll();
      schedulePreview(0);
      loadHistory();
      const msg = `Saved as version ${versionOf(etag)}. The storefront uses it now.`;
      announce(msg);
      toast('Settings saved');
      $('save-state').textContent = `Saved · version ${versionOf(etag)}`;
      return;
    }
    updateSaveState();
    if (res.status === 422 && res.data && res.data.error && res.data.error.problems) {
      showProblems(res.data.error.problems, { focusSummary: true });
      return;
    }
    if (res.status === 412) {
      const theirs = versionOf(res.etag);
      banner('warning', `Not saved: these settings were changed elsewhere (another tab or another person) since you opened them${theirs ? `, and are now version ${theirs}` : ''}. Nothing was overwritten, and your edits are still on this page.`, {
        label: 'Load the latest version (drops your edits)',
        run: async () => { $('banner').hidden = true; await load(); schedulePreview(0); loadHistory(); $('settings-start').focus(); announce('The latest version is loaded.'); },
      });
      return;
    }
    banner('critical', `Not saved: ${errorMessage(res)}`);
  }

  async function loadHistory() {
    const res = await api('GET', '/admin/api/settings/history');
    const list = $('version-list');
    if (!res.ok) {
      list.replaceChildren(h('li', {}, errorMessage(res)));
      return;
    }
    const versions = res.data.versions;
    list.replaceChildren(...versions.map((v) => {
      const label = v.source === 'file' ? 'The settings file' : `Version ${v.version}`;
      const when = v.saved_at ? new Date(v.saved_at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : 'as the server started with it';
      return h('li', { class: 'version' },
        h('div', {}, h('strong', {}, label), ' ', h('span', { class: 'muted' }, v.saved_at ? `saved ${when}` : when),
          v.current ? h('span', { class: 'badge badge-success' }, 'Current') : null),
        v.current ? null : h('button', {
          type: 'button', class: 'btn', 'data-version': v.version, 'aria-label': `Restore ${label.toLowerCase()}`,
          onclick: () => restore(v.version, label),
        }, 'Restore'));
    }));
    if (!versions.length) list.append(h('li', { class: 'muted' }, 'Nothing saved yet.'));
  }

  async function restore(version, label) {
    if (isDirty() && !window.confirm(`Restore ${label.toLowerCase()}? Your unsaved changes on this page will be lost.`)) return;
    const res = await api('POST', '/admin/api/settings/restore', { version }, { 'If-Match': etag });
    if (res.ok) {
      doc = res.data;
      etag = res.etag;
      savedJSON = JSON.stringify(doc);
      clearProblems();
      renderAll();
      schedulePreview(0);
      await loadHistory();
      $('h-versions').focus();
      const msg = `${label} restored as version ${versionOf(etag)}.`;
      announce(msg);
      toast(msg);
      return;
    }
    if (res.status === 412) {
      banner('warning', 'Not restored: the settings were changed elsewhere since you opened them. Load the latest version first.', {
        label: 'Load the latest version', run: async () => { $('banner').hidden = true; await load(); loadHistory(); schedulePreview(0); },
      });
      return;
    }
    if (res.status === 422 && res.data && res.data.error && res.data.error.problems) {
      banner('critical', `Not restored: ${label.toLowerCase()} no longer passes validation (${res.data.error.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}).`);
      return;
    }
    banner('critical', `Not restored: ${errorMessage(res)}`);
  }

  async function importFromShopify() {
    const res = await api('POST', '/admin/api/import', {});
    if (!res.ok) {
      banner('info', `Nothing imported: ${errorMessage(res)}`);
      return;
    }
    const got = res.data;
    const parts = [];
    if (got.timezone) { doc.timezone = got.timezone; parts.push(`time zone ${got.timezone}`); }
    if (got.country) { doc.country = got.country; parts.push(`country ${got.country}`); }
    if (got.locale) { doc.locale = got.locale; parts.push(`language ${got.locale}`); }
    if (got.processing) { doc.processing = got.processing; parts.push(`processing time ${got.processing.min}–${got.processing.max} days`); }
    renderAll();
    changed();
    banner('info', `Imported from Shopify: ${parts.join(', ') || 'nothing new'}. Review the form, then save.`);
  }

  // ---- promise health ------------------------------------------------------------------------

  // Charts are inline SVG built here (nothing from a CDN); each is an img named by its <title>,
  // which says its numbers in words, and the numbers are also in the table beside it. (No
  // aria-label: a chart named after a product would answer a search for the product's label.)
  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }
  const pct = (r) => `${Math.round(r * 100)} %`;
  let healthWindow = 30;

  // trendChart draws the kept rate per week as bars, oldest week first.
  function trendChart(weeks, label) {
    const w = 12;
    const hgt = 32;
    const text = weeks.map((wk) => (wk.lines ? `week of ${fmtDate(wk.start, true)}: ${wk.on_time} of ${wk.lines} on time (${pct(wk.kept_rate)})` : `week of ${fmtDate(wk.start, true)}: nothing shipped`)).join('; ');
    const el = svg('svg', { class: 'chart trend', width: weeks.length * w, height: hgt, viewBox: `0 0 ${weeks.length * w} ${hgt}`, role: 'img' },
      svg('title', {}, `Kept rate per week, ${label}: ${text}`));
    weeks.forEach((wk, i) => {
      const bh = wk.lines ? Math.max(2, Math.round(wk.kept_rate * (hgt - 2))) : 1;
      el.append(svg('rect', { x: i * w + 1, y: hgt - bh, width: w - 2, height: bh, class: wk.lines ? (wk.kept_rate >= 0.95 ? 'bar-good' : 'bar-bad') : 'bar-empty' },
        svg('title', {}, wk.lines ? `Week of ${fmtDate(wk.start, true)}: ${wk.on_time} of ${wk.lines} on time (${pct(wk.kept_rate)})` : `Week of ${fmtDate(wk.start, true)}: nothing shipped`)));
    });
    return el;
  }

  // histogram draws how many lines took each number of processing days, over the promised
  // min–max shaded as a band.
  function histogram(dist, promised, label) {
    const counts = dist.counts || [];
    const days = Math.max(counts.length, (promised.max || 0) + 1, 1);
    const w = 10;
    const hgt = 40;
    const top = Math.max(1, ...counts);
    const el = svg('svg', { class: 'chart hist', width: days * w, height: hgt + 12, viewBox: `0 0 ${days * w} ${hgt + 12}`, role: 'img' },
    svg('title', {}, `Real processing days, ${label}: ${counts.map((c, d) => (c ? `${c} took ${d}` : '')).filter(Boolean).join(', ') || 'none'}; promised ${promised.min}–${promised.max}`),
    svg('rect', { x: promised.min * w, y: 0, width: (promised.max - promised.min + 1) * w, height: hgt, class: 'band' }));
    counts.forEach((c, d) => {
      if (!c) return;
      const bh = Math.max(2, Math.round((c / top) * (hgt - 2)));
      el.append(svg('rect', { x: d * w + 1, y: hgt - bh, width: w - 2, height: bh, class: d > promised.max ? 'bar-bad' : 'bar-good' },
        svg('title', {}, `${c} line${c === 1 ? '' : 's'} took ${d} processing day${d === 1 ? '' : 's'}`)));
    });
    for (let d = 0; d < days; d += 5) el.append(svg('text', { x: d * w + 1, y: hgt + 11, class: 'axis' }, String(d)));
    return el;
  }

  function groupTable(title, groups) {
    const id = nextId('hg');
    if (!groups || !groups.length) return null;
    return h('div', { class: 'health-group' },
      h('h3', { id }, title),
      h('div', { class: 'table-wrap', tabindex: 0, 'aria-labelledby': id },
        h('table', { class: 'table health' },
          h('thead', {}, h('tr', {}, ['Name', 'Lines', 'Kept', 'Late', 'Real days (p5–p95)', 'Per week', 'Real vs promised days'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, groups.map((g) => h('tr', { 'data-key': g.key },
            h('th', { scope: 'row' }, g.label),
            h('td', {}, String(g.lines)),
            h('td', { class: g.kept_rate < 0.95 ? 'kept-bad' : 'kept-good' }, `${pct(g.kept_rate)} (${g.shipped_on_time} of ${g.lines})`),
            h('td', {}, g.shipped_late ? g.late_by.map((c) => `${c.lines} by ${c.days} d`).join(', ') : '—'),
            h('td', {}, g.processing.n ? `${g.processing.p5}–${g.processing.p95} (promised ${g.promised.min}–${g.promised.max})` : '—'),
            h('td', {}, trendChart(g.weeks, g.label)),
            h('td', {}, g.processing.n ? histogram(g.processing, g.promised, g.label) : '—')))))));
  }

  // suggestionTarget finds what a suggestion's path changes in the document, as a get/set of a
  // {min, max} pair; null when the path is not in this document.
  function suggestionTarget(path) {
    let m;
    if (path === 'processing') return { get: () => doc.processing, set: (v) => { doc.processing = v; } };
    if ((m = /^rules\[(\d+)\]\.processing$/.exec(path)) && doc.rules && doc.rules[m[1]]) {
      const r = doc.rules[m[1]];
      return { get: () => r.processing, set: (v) => { r.processing = v; } };
    }
    if ((m = /^shipping\.zones\[(\d+)\]\.methods\[(\d+)\]$/.exec(path))) {
      const z = doc.shipping && doc.shipping.zones && doc.shipping.zones[m[1]];
      const me = z && z.methods && z.methods[m[2]];
      if (!me) return null;
      return { get: () => ({ min: me.min, max: me.max }), set: (v) => { me.min = v.min; me.max = v.max; } };
    }
    if ((m = /^catalog\[(\d+)\]\.metafields$/.exec(path)) && doc.catalog && doc.catalog[m[1]]) {
      const p = doc.catalog[m[1]];
      return {
        get: () => ({ min: (p.metafields || {}).processing_min_days, max: (p.metafields || {}).processing_max_days }),
        set: (v) => { p.metafields = { ...(p.metafields || {}), processing_min_days: v.min, processing_max_days: v.max }; },
      };
    }
    return null;
  }

  // applySuggestion puts the suggested min–max into the document and saves it the normal way
  // (validated, versioned, refused with 412 when the settings changed elsewhere).
  async function applySuggestion(sg) {
    const t = suggestionTarget(sg.path);
    if (!t) return;
    if (isDirty() && !window.confirm('Apply this suggestion? Saving it also saves your other unsaved changes on this page.')) return;
    t.set({ min: sg.suggested.min, max: sg.suggested.max });
    renderAll();
    updateSaveState();
    await save();
    if (!isDirty()) {
      announce(`${sg.label}: ${sg.kind} time is now ${sg.suggested.min}–${sg.suggested.max} days, saved as version ${versionOf(etag)}.`);
      loadHealth();
    }
  }

  function renderSuggestions(list) {
    const box = $('health-suggestions');
    const rows = (list || []).filter((sg) => sg.changes);
    if (!rows.length) {
      box.replaceChildren(h('p', { class: 'muted' }, `No suggestions: every rule, product and route with at least 10 fulfilments kept its promise, or has too few fulfilments to tell.`));
      return;
    }
    box.replaceChildren(h('h3', { id: 'h-suggestions' }, 'Suggested times'),
      h('p', { class: 'hint' }, 'The suggested min–max is the 5th to 95th percentile of the real days: it would have kept 95 % of these promises.'),
      h('div', { class: 'table-wrap', tabindex: 0, 'aria-labelledby': 'h-suggestions' },
        h('table', { class: 'table suggestions' },
          h('thead', {}, h('tr', {}, ['For', 'Fulfilments', 'Current', 'Kept now', 'Suggested (p5–p95)', 'Would keep', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, rows.map((sg) => {
            const kind = sg.kind === 'transit' ? 'transit' : 'processing';
            const can = sg.path && suggestionTarget(sg.path);
            return h('tr', { 'data-key': sg.key, 'data-kind': sg.kind },
              h('th', { scope: 'row' }, `${sg.label} (${kind})`),
              h('td', {}, String(sg.fulfillments)),
              h('td', { class: 'current' }, `${sg.current.min}–${sg.current.max} days`),
              h('td', {}, pct(sg.kept_rate)),
              h('td', { class: 'suggested' }, `${sg.suggested.min}–${sg.suggested.max} days`),
              h('td', {}, pct(sg.would_keep)),
              h('td', {}, can ? h('button', { type: 'button', class: 'btn', 'aria-label': `Apply ${sg.suggested.min}–${sg.suggested.max} days to ${sg.label}`, onclick: () => applySuggestion(sg) }, 'Apply')
                : h('span', { class: 'hint' }, 'Set on the product in Shopify admin')));
          })))));
  }

  function renderAtRisk(list) {
    const box = $('health-at-risk');
    if (!list) {
      box.replaceChildren();
      return;
    }
    if (!list.length) {
      box.replaceChildren(h('h3', {}, 'Orders at risk now'), h('p', { class: 'muted' }, 'None: no unfulfilled order must ship today or on the next processing day.'));
      return;
    }
    const store = (cfg.shop || '').replace(/\.myshopify\.com$/, '');
    box.replaceChildren(h('h3', { id: 'h-at-risk' }, 'Orders at risk now'),
      h('p', { class: 'hint' }, 'Unfulfilled orders whose promised latest ship date is today or the next processing day (or already past), most urgent first.'),
      h('ul', { class: 'at-risk', 'aria-labelledby': 'h-at-risk' }, list.map((o) => h('li', { 'data-order': o.order_id },
        h('a', { href: `https://admin.shopify.com/store/${encodeURIComponent(store)}/orders/${o.order_id}`, target: '_top', rel: 'noopener' }, o.name || `Order ${o.order_id}`),
        ' ', h('span', { class: o.overdue ? 'badge badge-critical' : 'badge' }, o.overdue ? `late: was due ${fmtDate(o.ships.latest, true)}` : `ship by ${fmtDate(o.ships.latest, true)}`),
        ' ', h('span', { class: 'muted' }, `ordered ${fmtDateTime(o.created_at)}`)))),
      cfg.shopify && tagAtRiskRow());
  }

  // Tagging is the merchant's choice, one click at a time: a Shopify Flow
  // workflow that starts on "Order tags added" then acts on the orders.
  function tagAtRiskRow() {
    const status = h('span', { class: 'muted', id: 'health-tag-status', role: 'status', 'aria-live': 'polite' },
      'Shopify Flow can act on the tag (trigger: Order tags added).');
    const button = h('button', { type: 'button', class: 'btn', id: 'health-tag-at-risk' }, 'Tag these orders leadtime-at-risk');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const res = await api('POST', '/admin/api/health/at-risk/tag');
        if (!res.ok) {
          status.textContent = errorMessage(res);
          return;
        }
        const d = res.data;
        const n = d.orders.length;
        let text = `${n} ${n === 1 ? 'order' : 'orders'} tagged ${d.tag}.`;
        if (d.refused.length) text += ` Shopify refused ${d.refused.length}.`;
        if (d.left) text += ` ${d.left} more: click again.`;
        status.textContent = text;
      } catch (err) {
        status.textContent = err.message;
      } finally {
        button.disabled = false;
      }
    });
    return h('p', { class: 'field' }, button, ' ', status);
  }

  // A backfill runs in Shopify's background; its records arrive with
  // bulk_operations/finish, so the page only says it started.
  async function startBackfill() {
    const status = $('health-backfill-status');
    const button = $('health-backfill');
    button.disabled = true;
    try {
      const res = await api('POST', '/admin/api/health/backfill');
      status.textContent = res.ok
        ? `Shopify is gathering the orders of the last ${res.data.days} days. The report fills in when it is done, usually within minutes.`
        : errorMessage(res);
    } catch (err) {
      status.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  }

  async function loadHealth() {
    const status = $('health-status');
    let res;
    try {
      res = await api('GET', `/admin/api/health?window=${healthWindow}`);
    } catch (err) {
      status.textContent = `Promise health is unavailable: ${err.message}`;
      return;
    }
    if (!res.ok) {
      status.textContent = `Promise health is unavailable: ${errorMessage(res)}`;
      return;
    }
    const rep = res.data;
    const o = rep.overall;
    status.textContent = o.lines
      ? `${o.shipped_on_time} of ${o.lines} order lines shipped on time (${pct(o.kept_rate)}) from ${fmtDate(rep.from, true)} to ${fmtDate(rep.to, true)}${o.delivered ? `; ${o.delivered_on_time} of ${o.delivered} delivered ones arrived on time (${pct(o.delivered_kept_rate)})` : ''}.${o.reconstructed ? ` ${o.reconstructed === 1 ? '1 of the lines was' : `${o.reconstructed} of the lines were`} ordered before Leadtime froze a promise, so the promise is reconstructed from the settings of the day.` : ''}`
      : `Nothing shipped from ${fmtDate(rep.from, true)} to ${fmtDate(rep.to, true)} with a Leadtime promise yet.`;
    renderAtRisk(rep.at_risk);
    renderSuggestions(rep.suggestions);
    $('health-groups').replaceChildren(...[groupTable('By rule', rep.rules), groupTable('By product', rep.products), groupTable('By zone and method', rep.routes)].filter(Boolean));
  }

  // ---- start ---------------------------------------------------------------------------------

  async function start() {
    wireStaticFields();
    for (const el of ['p-country', 'p-method', 'p-strip-product']) $(el).addEventListener('change', () => { if (el === 'p-country') renderPreviewMethods(); schedulePreview(0); });
    for (const r of document.querySelectorAll('input[name=p-when]')) r.addEventListener('change', () => schedulePreview(0));
    $('p-at').addEventListener('input', () => { $('p-at-radio').checked = true; schedulePreview(); });
    if (!cfg.shopify) {
      $('import-hint').textContent = 'This server has no Shopify connection (demo mode): there is nothing to import.';
    }
    try {
      if (!(await load())) return;
    } catch (err) {
      banner('critical', err.message);
      return;
    }
    runPreview();
    loadHistory();
    loadFunctionStatus();
    loadFeedToken(false);
    for (const r of document.querySelectorAll('input[name=health-window]')) r.addEventListener('change', () => { healthWindow = Number(r.value); loadHealth(); });
    if (cfg.shopify) {
      $('health-backfill-row').hidden = false;
      $('health-backfill').addEventListener('click', startBackfill);
    }
    loadHealth();
  }

  // ---- the checkout function ---------------------------------------------------------------

  const functionStates = {
    active: 'Checkout shows the delivery window in the titles of matching shipping options, on every plan.',
    disabled: 'The Leadtime delivery customization is turned off in Shopify (Settings → Shipping and delivery → Delivery customizations): checkout shows Shopify\'s own titles.',
    not_installed: 'The checkout function is not installed for this shop: install the app from Shopify to add delivery windows to shipping option titles.',
  };
  async function loadFunctionStatus() {
    const el = $('checkout-function');
    try {
      const res = await api('GET', '/admin/api/checkout-function');
      if (!res.ok) throw new Error(errorMessage(res));
      el.textContent = functionStates[res.data.state] || res.data.state;
      el.dataset.state = res.data.state;
    } catch (err) {
      el.textContent = `The checkout function's state is unknown: ${err.message}`;
      el.dataset.state = 'unknown';
    }
  }
  start();
})();
