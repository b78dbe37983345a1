/**
 * PromiseBanner shows one promise in an s-banner. The heading is the
 * extension's own translation, so it is left out when the text is in
 * another language (the server speaks more languages than this extension's
 * locales), rather than mixing two languages in one banner.
 */
export function PromiseBanner({text, heading}: {text: string; heading?: string | undefined}) {
  return (
    <s-banner tone="info" heading={heading}>
      <s-text>{text}</s-text>
    </s-banner>
  );
}
