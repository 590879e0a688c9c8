/** Which URLs the desktop window may hand to shell.openExternal: the listed documentation pages only. */
import { describe, expect, it } from 'vitest';
import { DOCUMENTATION_LINKS, isDocumentationLink } from './external-links.js';

describe('isDocumentationLink', () => {
  it('allows every listed documentation page, as written or with a different host case', () => {
    expect(DOCUMENTATION_LINKS.length).toBeGreaterThan(0);
    for (const link of DOCUMENTATION_LINKS) expect(isDocumentationLink(link)).toBe(true);
    expect(isDocumentationLink(DOCUMENTATION_LINKS[0]!.replace('js.tensorflow.org', 'JS.TensorFlow.org'))).toBe(true);
  });

  it('refuses any other https page, lookalikes, other schemes and junk', () => {
    const first = DOCUMENTATION_LINKS[0]!;
    for (const url of [
      'https://evil.example/',
      'https://js.tensorflow.org.evil.example/api/latest/',
      first.replace('https://', 'https://user:pass@'),
      first.replace('js.tensorflow.org', 'js.tensorflow.org:8443'),
      first.replace('https:', 'http:'),
      first + 'x',
      'file:///etc/passwd',
      'smb://attacker/share',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'not a url',
      '',
    ]) {
      expect(isDocumentationLink(url), url).toBe(false);
    }
  });
});
