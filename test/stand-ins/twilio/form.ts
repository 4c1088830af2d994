/**
 * Form bodies and query strings as the twilio library writes them (qs, arrayFormat
 * "repeat"): a repeated key is an array, a single key a string.
 */
export function parsePairs(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return out;
}

export function toQueryString(params: Record<string, string | number | boolean | Array<string | number | boolean>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  return search.toString();
}
