import { describe, expect, it } from 'vitest';
import { describeUserAgent, storedUserAgent, USER_AGENT_MAX_LENGTH } from './user-agent';

describe('describeUserAgent', () => {
  it('names the browser (major version) and the operating system', () => {
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36';
    expect(describeUserAgent(chrome)).toBe('Chrome 131 on Linux');
    const firefox = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
    expect(describeUserAgent(firefox)).toMatch(/^Firefox 133 on Windows/);
    const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
    expect(describeUserAgent(iphone)).toBe('Safari 18 on iOS 18.1');
  });

  it('says so when there is nothing to recognise', () => {
    expect(describeUserAgent(null)).toBe('Unknown browser');
    expect(describeUserAgent('')).toBe('Unknown browser');
    expect(describeUserAgent('curl/8.5.0')).not.toBe('');
  });
});

describe('storedUserAgent', () => {
  it('keeps a bounded, trimmed value, and nothing for an empty header', () => {
    expect(storedUserAgent('  x  ')).toBe('x');
    expect(storedUserAgent(undefined)).toBeNull();
    expect(storedUserAgent('   ')).toBeNull();
    expect(storedUserAgent('a'.repeat(2000))).toHaveLength(USER_AGENT_MAX_LENGTH);
  });
});
