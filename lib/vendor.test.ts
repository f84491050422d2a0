import { describe, expect, it } from 'vitest';
import { setTokenVariableSnippet, cronSnippet } from '@/lib/onboarding';
import { CLI_TOKEN_VARIABLE_NAMES, isCliTokenVariable, VENDOR_PROFILES, VENDORS, vendorFromApiUrl, vendorOfVariable } from './vendor';

describe('the vendor', () => {
  it('defaults from the API host: Upsun for api.upsun.com, Platform.sh otherwise', () => {
    expect(vendorFromApiUrl('https://api.upsun.com')).toBe('upsun');
    expect(vendorFromApiUrl(new URL('https://API.UPSUN.COM/'))).toBe('upsun');
    expect(vendorFromApiUrl('https://api.platform.sh')).toBe('platformsh');
    expect(vendorFromApiUrl('http://127.0.0.1:8787')).toBe('platformsh');
    expect(vendorFromApiUrl('https://api.upsun.com.example.net')).toBe('platformsh');
  });

  it('names the variable each vendor’s CLI reads, and recognises both', () => {
    expect(VENDOR_PROFILES.platformsh).toMatchObject({ tokenVariable: 'env:PLATFORMSH_CLI_TOKEN', cliBinary: 'platform', configFile: '.platform.app.yaml' });
    expect(VENDOR_PROFILES.upsun).toMatchObject({ tokenVariable: 'env:UPSUN_CLI_TOKEN', cliBinary: 'upsun', configFile: '.upsun/config.yaml', productName: 'Upsun' });
    expect(CLI_TOKEN_VARIABLE_NAMES).toEqual(['env:PLATFORMSH_CLI_TOKEN', 'env:UPSUN_CLI_TOKEN']);
    expect(isCliTokenVariable('env:UPSUN_CLI_TOKEN')).toBe(true);
    expect(isCliTokenVariable('env:PLATFORM_CLI_TOKEN')).toBe(false);
    expect(isCliTokenVariable('UPSUN_CLI_TOKEN')).toBe(false);
    expect(vendorOfVariable('env:UPSUN_CLI_TOKEN')).toBe('upsun');
    expect(vendorOfVariable('env:APP_ENV')).toBeUndefined();
  });

  it.each(VENDORS)('gives the %s kit the variable Keywarden pushes and the vendor’s CLI and file', (vendor) => {
    const profile = VENDOR_PROFILES[vendor];
    const context = { projectId: 'abc123xyz', projectTitle: 'Shop', productionBranch: 'main', vendor };
    const script = setTokenVariableSnippet(context).text;
    expect(script).toContain(`${profile.cliBinary} variable:create --project abc123xyz --environment main --level environment --name ${profile.tokenVariable} `);
    const cron = cronSnippet(context, { kind: 'backup' });
    expect(cron.text).toContain(`${profile.cliBinary} backup:create`);
    expect(cron.text).toContain(profile.configFile);
  });
});
