/** A device as the account sees it in its list: a readable name and a kind. */
export const DEVICE_TYPES = ['browser', 'tv', 'phone', 'tablet', 'console', 'other'] as const;

export interface DeviceLabel {
  name: string;
  type: (typeof DEVICE_TYPES)[number];
}

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iOS/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Windows/, 'Windows'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** Names a device from what the client said about itself, else from its User-Agent ("Chrome on Linux"). */
export function describeDevice(userAgent: string | undefined, given: { name?: string; type?: DeviceLabel['type'] } = {}): DeviceLabel {
  const ua = userAgent ?? '';
  const type: DeviceLabel['type'] =
    given.type ?? (/SmartTV|SMART-TV|Tizen|Web0S|AppleTV|CrKey|BRAVIA/i.test(ua) ? 'tv' : /PlayStation|Xbox|Nintendo/i.test(ua) ? 'console' : /iPad|Tablet/i.test(ua) ? 'tablet' : /Mobile|iPhone|Android/i.test(ua) ? 'phone' : /Mozilla\//.test(ua) ? 'browser' : 'other');
  if (given.name) return { name: given.name, type };
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  const name = browser && system ? `${browser} on ${system}` : (browser ?? system ?? 'Unknown device');
  return { name, type };
}

/** Starts without a device id share one registration per account. */
export const UNIDENTIFIED_DEVICE = 'unidentified';
