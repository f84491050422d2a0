import { describe, expect, it } from 'vitest';
import { htmlThemeClass, themeFromCookie } from './preference';

describe('themeFromCookie', () => {
  it('reads the two explicit themes', () => {
    expect(themeFromCookie('dark')).toBe('dark');
    expect(themeFromCookie('light')).toBe('light');
  });
  it('falls back to the system theme for a missing or unknown value', () => {
    expect(themeFromCookie(undefined)).toBe('system');
    expect(themeFromCookie('solarized')).toBe('system');
    expect(themeFromCookie('dark" onload="x')).toBe('system');
  });
});

describe('htmlThemeClass', () => {
  it('puts no class on <html> when the system decides', () => {
    expect(htmlThemeClass('system')).toBeUndefined();
    expect(htmlThemeClass('dark')).toBe('dark');
  });
});
