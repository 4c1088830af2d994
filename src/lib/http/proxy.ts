/**
 * Which proxy (if any) a request goes through, from HTTPS_PROXY / HTTP_PROXY / NO_PROXY
 * (upper or lower case, lower case wins as curl does).
 *
 * Decision: loopback targets (127.0.0.0/8, localhost, ::1) never use a proxy. A proxy
 * elsewhere cannot reach this machine's loopback, and the demo bot and the test stand-ins
 * listen there, so sending them through a corporate proxy can only break them.
 */
export interface ProxyEnv {
  [name: string]: string | undefined;
}

function envValue(env: ProxyEnv, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value && value.trim() ? value.trim() : undefined;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** curl-like NO_PROXY: `*`, exact hosts, domain suffixes (`example.com`, `.example.com`), optional `:port`. */
export function matchesNoProxy(noProxy: string | undefined, hostname: string, port: string): boolean {
  if (!noProxy) return false;
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let pattern = entry;
    const portMatch = /^(.*):(\d+)$/.exec(entry);
    if (portMatch && !entry.includes('::')) {
      if (portMatch[2] !== port) continue;
      pattern = portMatch[1];
    }
    pattern = pattern.replace(/^\*?\./, '');
    if (host === pattern || host.endsWith(`.${pattern}`)) return true;
  }
  return false;
}

/** The proxy URL for `target`, or undefined for a direct connection. */
export function proxyFor(target: URL, env: ProxyEnv): URL | undefined {
  if (isLoopbackHost(target.hostname)) return undefined;
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  if (matchesNoProxy(envValue(env, 'no_proxy'), target.hostname, port)) return undefined;
  const raw = target.protocol === 'https:' ? envValue(env, 'https_proxy') : envValue(env, 'http_proxy');
  if (!raw) return undefined;
  try {
    // `HTTP_PROXY=proxy:3128` without a scheme is common; curl reads it as http.
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return undefined;
  }
}

/** `Proxy-Authorization` from the proxy URL's user info, if any. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username) return undefined;
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}
