import {useEffect, useState} from 'preact/hooks';

import {TIMEOUT_MS, fetchPromise, type CartRequest, type LivePromise} from './promise';

/**
 * useLivePromise asks the server for request's promise whenever the request
 * changes (another address, another cart, another language) and returns it,
 * or null. A null request asks nothing.
 *
 * While a new answer is on its way the previous one stays, so the banner
 * does not flicker; a failure, a timeout or an unusable answer clears it,
 * so the buyer sees nothing rather than a broken or outdated banner.
 */
export function useLivePromise(
  request: CartRequest | null,
  url: string,
  sessionToken: () => Promise<string>,
): LivePromise | null {
  const key = request ? `${url}\n${JSON.stringify(request)}` : '';
  const [promise, setPromise] = useState<LivePromise | null>(null);

  useEffect(() => {
    if (!request) {
      setPromise(null);
      return undefined;
    }
    let current = true;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    fetchPromise(url, sessionToken, request, controller.signal)
      .then((answer) => {
        if (current) setPromise(answer);
      })
      .catch(() => {
        if (current) setPromise(null);
      })
      .finally(() => clearTimeout(timer));
    return () => {
      current = false;
      clearTimeout(timer);
      controller.abort();
    };
    // key stands for request and url; sessionToken is the same function for the extension's life.
  }, [key]);

  return promise;
}
