/**
 * What the three targets share: the request to Leadtime's checkout API, the
 * reading of its answer, and the reading of a promise already frozen on the
 * order. Nothing here touches the `shopify` global, so every target passes in
 * what it read from its own API.
 */
import {APP_URL} from './config';

/** The server refuses carts above this many lines (server.MaxCartLines). */
export const MAX_LINES = 250;

/** How long the extension waits for the server before it shows nothing. */
export const TIMEOUT_MS = 8000;

const VARIANT_GID = 'gid://shopify/ProductVariant/';

/** The body of POST {APP_URL}/checkout/v1/cart. */
export interface CartRequest {
  items: {variant_id: string; quantity: number}[];
  country: string;
  locale?: string;
}

/** The part of a cart line that a promise needs; checkout and order-status lines both fit. */
export interface LineLike {
  quantity: number;
  merchandise: {id: string; requiresShipping?: boolean};
}

/** The promise the server answered: its text, and the language it is in. */
export interface LivePromise {
  text: string;
  locale: string;
}

/**
 * cartRequest builds the request for the lines that ship, to country, in
 * locale. It returns null when there is nothing to ask: no line ships, the
 * cart is larger than the server accepts, or the destination is unknown (a
 * promise for the wrong country is worse than none).
 */
export function cartRequest(
  lines: readonly LineLike[],
  country: string | undefined,
  locale: string | undefined,
): CartRequest | null {
  if (!country || !/^[A-Z]{2}$/.test(country) || country === 'ZZ') return null;
  const items: CartRequest['items'] = [];
  for (const line of lines) {
    const {id, requiresShipping} = line.merchandise;
    if (requiresShipping === false || !id.startsWith(VARIANT_GID)) continue;
    if (!Number.isInteger(line.quantity) || line.quantity < 1) continue;
    items.push({variant_id: id, quantity: line.quantity});
  }
  if (items.length === 0 || items.length > MAX_LINES) return null;
  const request: CartRequest = {items, country};
  if (locale && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}$/.test(locale)) request.locale = locale;
  return request;
}

/**
 * serverUrl is the Leadtime server to ask: the extension setting app_url
 * when it is an https origin, else the APP_URL this bundle was built with.
 */
export function serverUrl(settings: Record<string, unknown>): string {
  const setting = settings['app_url'];
  if (typeof setting === 'string' && /^https:\/\/[A-Za-z0-9.-]+(:\d+)?\/?$/.test(setting.trim())) {
    return setting.trim().replace(/\/$/, '');
  }
  return APP_URL.replace(/\/$/, '');
}

/**
 * fetchPromise asks the server for the cart's promise with a fresh session
 * token. It resolves to null for any answer that is not a usable promise
 * (an error status, an unavailable cart, a body without text), and rejects
 * only when the network or the token fails.
 */
export async function fetchPromise(
  url: string,
  sessionToken: () => Promise<string>,
  request: CartRequest,
  signal: AbortSignal,
): Promise<LivePromise | null> {
  const token = await sessionToken();
  const response = await fetch(`${url}/checkout/v1/cart`, {
    method: 'POST',
    headers: {Authorization: `Bearer ${token}`, 'Content-Type': 'application/json'},
    body: JSON.stringify(request),
    credentials: 'omit', // the token is the credential; no cookie ever goes along
    signal,
  });
  if (!response.ok) return null;
  return livePromise(await response.json());
}

/** livePromise reads the text of a cart answer (DESIGN.md §4). */
export function livePromise(answer: unknown): LivePromise | null {
  if (!isObject(answer) || answer['available'] !== true || !isObject(answer['message'])) return null;
  const text = answer['message']['text'];
  if (typeof text !== 'string' || text.trim() === '') return null;
  const locale = typeof answer['locale'] === 'string' ? answer['locale'] : '';
  return {text: text.trim(), locale};
}

/** A window of civil dates, YYYY-MM-DD, in the shop's time zone. */
export interface DateWindow {
  earliest: string;
  latest: string;
}

/** A promise frozen when the order was placed. */
export interface Frozen {
  ships?: DateWindow;
  delivery?: DateWindow;
  text?: string;
}

/**
 * parseFrozen reads a frozen promise: the order metafield leadtime.promise
 * (the cart answer as quoted for the order) or the attribute _leadtime
 * ({"ships","delivery","text","quoted_at"}), as JSON text or already parsed.
 * Anything unreadable, or an answer for a cart that could not ship, is null.
 */
export function parseFrozen(raw: unknown): Frozen | null {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (!isObject(value) || value['available'] === false) return null;
  const frozen: Frozen = {};
  const ships = dateWindow(value['ships']);
  const delivery = dateWindow(value['delivery']);
  if (ships) frozen.ships = ships;
  if (delivery) frozen.delivery = delivery;
  const message = value['message'];
  const text = typeof value['text'] === 'string' ? value['text'] : isObject(message) ? message['text'] : undefined;
  if (typeof text === 'string' && text.trim() !== '') frozen.text = text.trim();
  return frozen.ships || frozen.delivery || frozen.text ? frozen : null;
}

/** The translations formatFrozen needs, from the extension's locales. */
export type Translate = (key: string, replacements: Record<string, string>) => string;

/**
 * formatFrozen says a frozen promise in the extension's language: the dates
 * themselves, never recomputed, formatted in locale. Only when the dates
 * are missing does it fall back to the text frozen with them.
 */
export function formatFrozen(frozen: Frozen, locale: string, t: Translate): string | null {
  const {ships, delivery} = frozen;
  if (ships && delivery) {
    return t('order.both', {ships: formatWindow(ships, locale), delivery: formatWindow(delivery, locale)});
  }
  if (delivery) return t('order.delivery', {delivery: formatWindow(delivery, locale)});
  if (ships) return t('order.ships', {ships: formatWindow(ships, locale)});
  return frozen.text ?? null;
}

/**
 * formatWindow formats a window of civil dates, e.g. "Dec 7 – 10" or
 * "7.–10. Dez.". The dates are formatted at UTC midnight in UTC, so that no
 * time zone of the buyer's can move them by a day.
 */
export function formatWindow(w: DateWindow, locale: string): string {
  const options: Intl.DateTimeFormatOptions = {day: 'numeric', month: 'short', timeZone: 'UTC'};
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale, options);
  } catch {
    format = new Intl.DateTimeFormat('en', options);
  }
  const earliest = civilDate(w.earliest);
  const latest = civilDate(w.latest);
  if (w.earliest === w.latest) return format.format(earliest);
  if (typeof format.formatRange === 'function') return format.formatRange(earliest, latest);
  return `${format.format(earliest)} – ${format.format(latest)}`;
}

/** sameLanguage reports whether two BCP 47 tags name one language ("sv-SE", "sv"). */
export function sameLanguage(a: string, b: string): boolean {
  const base = (tag: string) => tag.toLowerCase().split(/[-_]/)[0];
  return a !== '' && b !== '' && base(a) === base(b);
}

function dateWindow(value: unknown): DateWindow | undefined {
  if (!isObject(value)) return undefined;
  const {earliest, latest} = value;
  if (!isCivilDate(earliest) || !isCivilDate(latest) || earliest > latest) return undefined;
  return {earliest, latest};
}

function isCivilDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = civilDate(value);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function civilDate(value: string): Date {
  const [y, m, d] = value.split('-').map(Number);
  return new Date(Date.UTC(y ?? NaN, (m ?? NaN) - 1, d ?? NaN));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
