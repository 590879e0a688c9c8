/**
 * The only web pages the desktop app opens in the user's browser (window.open or a target=_blank link in
 * the renderer): the project's own documentation, listed here exactly. Any other URL — another https
 * site, file:, a custom scheme, a lookalike with credentials or another port — is refused, so a
 * compromised renderer cannot make the system open arbitrary URLs or programs through shell.openExternal.
 */

/**
 * Exact URLs (https only). The project hosts no documentation site of its own yet: these are the reference
 * pages of the three cells it trains. Add a page here when the UI links to it.
 */
export const DOCUMENTATION_LINKS: readonly string[] = [
  'https://js.tensorflow.org/api/latest/#layers.simpleRNN',
  'https://js.tensorflow.org/api/latest/#layers.lstm',
  'https://js.tensorflow.org/api/latest/#layers.gru',
];

/** True when `url` is one of `allowed`, compared as parsed URLs (so case of the host and default ports do not matter). */
export function isDocumentationLink(url: string, allowed: readonly string[] = DOCUMENTATION_LINKS): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  return allowed.some((entry) => new URL(entry).href === parsed.href);
}
