import { expect, test } from 'vitest';
import { escapeHtml } from './html.ts';

test('escapeHtml neutralises markup and attribute breakouts, and leaves other text alone', () => {
  expect(escapeHtml(`<script>alert("x")</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  expect(escapeHtml(`" onfocus='x' a="`)).toBe('&quot; onfocus=&#39;x&#39; a=&quot;');
  expect(escapeHtml('Tom & Jerry — café')).toBe('Tom &amp; Jerry — café');
});
