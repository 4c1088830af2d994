import type { World } from './stand-ins';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN } from '../stand-ins/twilio';

/**
 * A request to the fake as someone else would make it (the Console, another tool),
 * not through the plugin: form-encoded, with the account's credentials.
 */
export async function twilioRequest(world: World, method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<any> {
  const response = await fetch(`${world.fake.url}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${FAKE_ACCOUNT_SID}:${FAKE_AUTH_TOKEN}`).toString('base64')}`,
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}
