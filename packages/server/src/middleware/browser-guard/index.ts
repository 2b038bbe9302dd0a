import { ForbiddenError } from '@llama-stack-ts/core';
import type { MiddlewareHandler } from 'hono';

export interface BrowserGuardOptions {
  /**
   * Host names (without a port) requests may carry in `Host`; any other is refused. A server on
   * loopback is reached as `localhost`, `127.0.0.1` or `[::1]`; a page that rebinds its own domain
   * name to 127.0.0.1 still sends that domain name.
   */
  allowedHosts: readonly string[];
  /** Origins (`https://app.example`) whose pages may call the server: the CORS allow-list. */
  allowedOrigins?: readonly string[];
}

/**
 * Keeps web pages from driving a server that trusts whoever can reach it (no auth, on loopback):
 * a `Host` outside `allowedHosts` (DNS rebinding) and a cross-site request (an `Origin` of another
 * host, or `Sec-Fetch-Site: cross-site`) are refused with 403 before any route runs. Same-origin
 * pages (`/docs`) and clients that are not browsers (curl, SDKs) send neither and pass.
 */
export function browserGuard({ allowedHosts, allowedOrigins = [] }: BrowserGuardOptions): MiddlewareHandler {
  const hosts = new Set(allowedHosts.map((host) => host.toLowerCase()));
  const origins = new Set(allowedOrigins);
  return async function browserGuard(c, next) {
    const host = c.req.header('host');
    if (host !== undefined && !hosts.has(hostnameOf(host))) {
      throw new ForbiddenError(
        `Requests for host '${host}' are refused: this server answers ${[...hosts].join(', ')} only. Add the name to server.allowed_hosts in the manifest, or turn on auth (server.auth_key).`,
      );
    }
    const origin = c.req.header('origin');
    const crossSite =
      origin === undefined
        ? c.req.header('sec-fetch-site') === 'cross-site'
        : !origins.has(origin) && !hosts.has(originHostname(origin));
    if (crossSite) {
      throw new ForbiddenError(
        `Cross-site requests${origin ? ` from ${origin}` : ''} are refused. Add the page's origin to server.cors_origins in the manifest to allow it.`,
      );
    }
    await next();
  };
}

/** The host name of an `Origin` header; empty for `null` (a sandboxed page) or anything unparsable. */
function originHostname(origin: string): string {
  try {
    return hostnameOf(new URL(origin).host);
  } catch {
    return '';
  }
}

/** `localhost` of `localhost:8321`, `::1` of `[::1]:8321`. */
function hostnameOf(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(1, trimmed.indexOf(']'));
  return trimmed.split(':', 1)[0] ?? trimmed;
}
