// Leadtime's delivery customization (Delivery Customization API 2026-07,
// target cart.delivery-options.transform.run): it renames each shipping
// option of each delivery group with the group's delivery window,
// "Standard" → "Standard · Arrives Dec 8–15".
//
// It is a reader, not a date engine: Leadtime's backend (Go package
// functionconfig) writes the shop's processing and carrier calendars, as
// day bitmaps, to the delivery customization's metafield, and this code
// only counts days in them, as delivery.QuoteCart does. It never hides an
// option, never renames local pickup or local delivery, and leaves a title
// alone whenever it cannot be sure: no config, a country no zone serves, a
// line it cannot read or that is sold out, a window past the calendars.
//
// The work is linear in the cart's lines: each line costs one pass over
// the rules and a few array lookups; the calendars are decoded once.

import { WORDS, ALIASES, ISO_COUNTRIES } from './words.js';

const CONFIG_VERSION = 1;
const SEPARATOR = ' · ';
// Delivery methods whose window Leadtime knows: parcels a carrier moves.
const RENAMED_METHODS = new Set(['SHIPPING', 'PICKUP_POINT']);
const WEEKDAY_CUTOFFS = ['cutoffSun', 'cutoffMon', 'cutoffTue', 'cutoffWed', 'cutoffThu', 'cutoffFri', 'cutoffSat'];
const MAX_DAYS = 365;

/**
 * @param {any} input the input of src/run.graphql
 * @returns {{operations: Array<{deliveryOptionRename: {deliveryOptionHandle: string, title: string}}>}}
 */
export function cartDeliveryOptionsTransformRun(input) {
  const operations = [];
  const config = input?.deliveryCustomization?.metafield?.jsonValue;
  if (!config || config.v !== CONFIG_VERSION) return { operations };
  const start = parseDate(config.start);
  const today = parseDate(input.shop?.localTime?.date);
  if (start === null || today === null) return { operations };
  const t = today - start;
  if (t < 0 || t >= config.days) return { operations };

  const proc = new Calendar(config.proc, config.days);
  const day0 = firstDay(proc, t, today, input.shop.localTime);
  if (day0 < 0) return { operations };
  const words = WORDS[resolveLocale(input.localization?.language?.isoCode, config.locale)];
  const carriers = [];

  for (const group of input.cart?.deliveryGroups ?? []) {
    const route = routeOf(config, group.deliveryAddress?.countryCode);
    if (!route) continue;
    const ships = groupShips(config, proc, day0, start, group.cartLines);
    if (!ships) continue;
    const cal = carriers[route.cal] ??= new Calendar(config.cal[route.cal], config.days);
    for (const option of group.deliveryOptions ?? []) {
      if (!RENAMED_METHODS.has(option.deliveryMethodType)) continue;
      const method = matchMethod(route.zone, option);
      if (!method) continue;
      const earliest = cal.addCarrierDays(ships[0], method.min);
      const latest = cal.addCarrierDays(ships[1], method.max);
      if (earliest < 0 || latest < 0) continue;
      const arrival = arrivalText(words, start + earliest, start + latest, today);
      operations.push({
        deliveryOptionRename: { deliveryOptionHandle: option.handle, title: (option.title ?? '') + SEPARATOR + arrival },
      });
    }
  }
  return { operations };
}

// ---- Calendars ---------------------------------------------------------

/** A bitmap of open days from the config's start, with O(1) "n-th open day after". */
class Calendar {
  constructor(b64, days) {
    const bytes = decodeBase64(b64 ?? '');
    this.days = Math.min(days, bytes.length * 8);
    this.open = []; // indexes of open days, ascending
    this.rank = new Int32Array(this.days + 1); // open days before index i
    for (let i = 0; i < this.days; i++) {
      this.rank[i] = this.open.length;
      if (bytes[i >> 3] & (1 << (i & 7))) this.open.push(i);
    }
    this.rank[this.days] = this.open.length;
  }
  isOpen(i) {
    return i >= 0 && i < this.days && this.open[this.rank[i]] === i;
  }
  /** The first open day ≥ i, or -1 past the calendar. */
  onOrAfter(i) {
    if (i < 0 || i >= this.days) return -1;
    const j = this.open[this.rank[i]];
    return j === undefined ? -1 : j;
  }
  /** The n-th open day after i (n = 0 is i itself), or -1 past the calendar. */
  addOpenDays(i, n) {
    if (n === 0) return i;
    if (i < 0 || i >= this.days) return -1;
    const k = this.rank[i] + (this.open[this.rank[i]] === i ? 1 : 0) + n - 1;
    return k < this.open.length ? this.open[k] : -1;
  }
  /** delivery's addCarrierDays: a parcel handed over on a closed day moves on the next open one. */
  addCarrierDays(i, n) {
    return n === 0 ? this.onOrAfter(i) : this.addOpenDays(i, n);
  }
}

/** Day 0 of processing: today if open and before today's cutoff, else the next processing day. */
function firstDay(proc, t, today, localTime) {
  if (proc.isOpen(t) && localTime[WEEKDAY_CUTOFFS[weekday(today)]] === true) return t;
  return proc.onOrAfter(t + 1);
}

// ---- Routes ------------------------------------------------------------

function routeOf(config, country) {
  if (typeof country !== 'string') return null;
  const entry = config.cc?.[country] ?? (ISO_COUNTRIES.has(country) ? config.rest : undefined);
  if (!entry) return null;
  const zone = config.zones?.[entry[0]];
  return zone ? { zone, cal: entry[1] } : null;
}

function matchMethod(zone, option) {
  const title = fold(option.title);
  const code = fold(option.code);
  for (const m of zone.m) {
    if ((title !== '' && m.t.includes(title)) || (code !== '' && m.t.includes(code))) return m;
  }
  return null;
}

// ---- Lines -------------------------------------------------------------

/** The group's shipping window [earliest, latest] as day indexes, or null when unsure. */
function groupShips(config, proc, day0, start, lines) {
  if (!lines || lines.length === 0) return null;
  let earliest = -1;
  let latest = -1;
  for (const line of lines) {
    const w = lineShips(config, proc, day0, start, line);
    if (!w) return null;
    earliest = Math.max(earliest, w[0]);
    latest = Math.max(latest, w[1]);
  }
  return [earliest, latest];
}

function lineShips(config, proc, day0, start, line) {
  const variant = line.m; // merchandise (run.graphql aliases the line's fields)
  if (!variant || variant.t !== 'ProductVariant' || !variant.p) return null;
  const terms = resolveTerms(config, variant, start);
  if (!terms) return null;
  let [min, max] = terms.processing;
  const stock = config.inv?.[numericId(variant.i)];
  if (stock && stock[0] < Math.max(line.q ?? 1, 1)) {
    if (stock[1] !== 1) return null; // sold out: no dates
    min += config.bo[0];
    max += config.bo[1];
  }
  let d0 = day0;
  if (terms.shipsOn !== null && terms.shipsOn > d0) {
    d0 = proc.onOrAfter(terms.shipsOn);
    if (d0 < 0) return null;
  }
  const earliest = proc.addOpenDays(d0, min);
  const latest = proc.addOpenDays(d0, max);
  return earliest < 0 || latest < 0 ? null : [earliest, latest];
}

/**
 * delivery's resolveTerms, for the window only: processing from the variant's
 * metafields, else the product's, else the first matching rule that sets it,
 * else the default; ships_on the same way. null when a rule cannot be decided.
 */
function resolveTerms(config, variant, start) {
  const product = variant.p;
  let processing = metafieldDays(variant) ?? metafieldDays(product);
  let shipsOn = metafieldDate(variant.s, start) ?? metafieldDate(product.s, start);
  if (processing === null || shipsOn === null) {
    const facts = lineFacts(variant);
    for (const r of config.rules) {
      if (processing !== null && shipsOn !== null) break;
      const useful = (processing === null && r.p) || (shipsOn === null && r.s !== undefined);
      if (!useful) continue;
      const m = ruleMatches(config, r, facts);
      if (m === undefined) return null;
      if (!m) continue;
      if (processing === null && r.p) processing = r.p;
      if (shipsOn === null && r.s !== undefined) shipsOn = r.s;
    }
  }
  return { processing: processing ?? config.def, shipsOn };
}

function lineFacts(variant) {
  const p = variant.p;
  const tags = new Set();
  for (const t of p.t ?? []) if (t.h) tags.add(fold(t.t));
  const collections = new Set();
  for (const c of p.c ?? []) if (c.m) collections.add(c.c);
  return {
    variantId: numericId(variant.i), productId: numericId(p.i), handle: p.h,
    vendor: fold(p.v), type: fold(p.y), tags, collections,
  };
}

/** true, false, or undefined when the rule names a collection the config has no id for. */
function ruleMatches(config, r, f) {
  if (r.v && !r.v.includes(f.variantId)) return false;
  if (r.h && !r.h.includes(f.handle) && !(r.pi && r.pi.includes(f.productId))) return false;
  if (r.t && !r.t.some((i) => f.tags.has(fold(config.tags[i])))) return false;
  if (r.ve && !r.ve.includes(f.vendor)) return false;
  if (r.ty && !r.ty.includes(f.type)) return false;
  if (r.c || r.cu) {
    const member = (r.c ?? []).some((i) => f.collections.has(config.collections[i]));
    if (!member) return r.cu ? undefined : false;
  }
  return true;
}

/** The processing_min/max_days pair of one level, as delivery reads it, or null. */
function metafieldDays(owner) {
  const min = metafieldInt(owner.n);
  const max = metafieldInt(owner.x);
  let d;
  if (min !== null && max !== null) d = [min, max];
  else if (min !== null) d = [min, min];
  else if (max !== null) d = [max, max];
  else return null;
  return d[0] > d[1] ? [d[1], d[0]] : d;
}

function metafieldInt(m) {
  if (!m || typeof m.v !== 'string' || !/^[+-]?[0-9]+$/.test(m.v)) return null;
  const n = Number(m.v);
  return n >= 0 && n <= MAX_DAYS ? n : null;
}

function metafieldDate(m, start) {
  if (!m || typeof m.v !== 'string') return null;
  const d = parseDate(m.v);
  return d === null ? null : d - start;
}

// ---- Words -------------------------------------------------------------

/** message.Resolve: the buyer's language, else the shop's, else en. */
export function resolveLocale(isoCode, primary) {
  return matchLocale(typeof isoCode === 'string' ? isoCode : '') ?? matchLocale(primary ?? '') ?? 'en';
}

function matchLocale(locale) {
  if (locale === '' || locale.length > 35) return null;
  const tag = canonical(locale);
  if (WORDS[tag]) return tag;
  if (ALIASES[tag]) return ALIASES[tag];
  const language = tag.split('-')[0];
  if (WORDS[language]) return language;
  return ALIASES[language] ?? null;
}

function canonical(locale) {
  return locale
    .split(/[-_]/)
    .filter((p) => p !== '')
    .map((p, i) => {
      if (i === 0) return p.toLowerCase();
      if (p.length === 2) return p.toUpperCase();
      if (p.length === 4) return p[0].toUpperCase() + p.slice(1).toLowerCase();
      return p.toLowerCase();
    })
    .join('-');
}

/** message.Arrival: "Arrives Dec 8–15" for the window [a, b] (day numbers since 1970) read on today. */
export function arrivalText(w, a, b, today) {
  let text = w.arrives.replace('%s', windowText(w, a, b, today));
  if (text.endsWith('..')) text = text.slice(0, -1);
  return text;
}

const YEAR_HORIZON = 183;

function needsYear(d, today) {
  return civil(d)[0] !== civil(today)[0] && d - today >= YEAR_HORIZON;
}

function windowText(w, a, b, today) {
  const withYear = needsYear(a, today) || needsYear(b, today);
  if (a === today && b === today) return w.today;
  if (a === today + 1 && b === today + 1) return w.tomorrow;
  if (a === today && b === today + 1) return w.todayOrTomorrow;
  if (a === today) return fmt(w.betweenFmt, w.today, weekdayDate(w, b, withYear));
  if (a === today + 1) return fmt(w.betweenFmt, w.tomorrow, weekdayDate(w, b, withYear));
  if (a === b) return w.onFmt ? fmt(w.onFmt, weekdayDate(w, a, withYear)) : weekdayDate(w, a, withYear);
  return interval(w, a, b, withYear);
}

function fmt(pattern, ...args) {
  let i = 0;
  return pattern.replace(/%s/g, () => args[i++]);
}

function dayOfMonth(w, d) {
  return d === 1 && w.firstOfMonth ? w.firstOfMonth : String(d);
}

function dayOnly(w, d) {
  return w.style === 'dayDotMonth' || w.style === 'numeric' ? d + '.' : dayOfMonth(w, d);
}

function dateText(w, n, withYear) {
  const [y, m, d] = civil(n);
  switch (w.style) {
    case 'monthDay':
      return w.months[m - 1] + ' ' + dayOfMonth(w, d) + (withYear ? ', ' + y : '');
    case 'numeric':
      return d + '.' + m + '.' + (withYear ? String(y) : '');
    case 'dayDotMonth':
      return d + '. ' + w.months[m - 1] + (withYear ? ' ' + y : '');
    default:
      return dayOfMonth(w, d) + ' ' + w.months[m - 1] + (withYear ? ' ' + y : '');
  }
}

function weekdayDate(w, n, withYear) {
  return w.weekdays[weekday(n)] + w.weekdaySep + dateText(w, n, withYear);
}

function interval(w, a, b, withYear) {
  const [ya, ma, da] = civil(a);
  const [yb, mb, db] = civil(b);
  if (ya !== yb) return join(w, dateText(w, a, withYear), dateText(w, b, withYear), true);
  if (ma === mb) {
    if (w.style === 'monthDay') {
      return w.months[ma - 1] + ' ' + dayOfMonth(w, da) + '–' + dayOfMonth(w, db) + (withYear ? ', ' + yb : '');
    }
    const first = w.style === 'dayMonth' ? dayOfMonth(w, da) : dayOnly(w, da);
    return join(w, first, dateText(w, b, withYear), false);
  }
  if (w.style === 'monthDay' && withYear) return join(w, dateText(w, a, false), dateText(w, b, true), true);
  return join(w, dateText(w, a, false), dateText(w, b, withYear), true);
}

function join(w, a, b, acrossMonths) {
  if (w.rangeFmt) return fmt(w.rangeFmt, a, b);
  return acrossMonths && w.spacedDash ? a + ' – ' + b : a + '–' + b;
}

// ---- Dates (days since 1970-01-01, as delivery.Date) -----------------------

/** YYYY-MM-DD to a day number, strictly (the day must exist), else null. */
export function parseDate(s) {
  if (typeof s !== 'string' || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(s)) return null;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) return null;
  return daysFromCivil(y, m, d);
}

function daysIn(y, m) {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

// Howard Hinnant's days_from_civil and civil_from_days, as package delivery.
function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civil(z) {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function weekday(n) {
  return (((n + 4) % 7) + 7) % 7;
}

// ---- Small things -----------------------------------------------------------

function fold(s) {
  return typeof s === 'string' ? s.trim().toLowerCase() : '';
}

function numericId(gid) {
  if (typeof gid !== 'string') return '';
  const i = gid.lastIndexOf('/');
  return i >= 0 ? gid.slice(i + 1) : gid;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 to bytes (QuickJS under javy has no atob). */
function decodeBase64(s) {
  const out = [];
  let bits = 0;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const v = B64.indexOf(s[i]);
    if (v < 0) continue; // padding
    bits = (bits << 6) | v;
    n += 6;
    if (n >= 8) {
      n -= 8;
      out.push((bits >> n) & 0xff);
    }
  }
  return out;
}
