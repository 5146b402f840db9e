import type { RouteAccess } from '@agent/auth';
import type { RouteConfig } from '@hono/zod-openapi';

export type { RouteAccess };

export interface RouteEntry {
  method: string;
  /** OpenAPI-style path, e.g. `/api/incidents/{id}`. */
  path: string;
  summary: string;
  access: RouteAccess;
}

/**
 * Every route the app serves, recorded once where it is declared. It feeds
 * `/api/docs`, the 405 answer for a known path with another method, and the
 * security test matrix, so a new route cannot be forgotten by any of them.
 */
export class RouteTable {
  readonly #entries: RouteEntry[] = [];

  add(route: Pick<RouteConfig, 'method' | 'path' | 'summary'>, access: RouteAccess): void {
    this.#entries.push({
      method: route.method.toUpperCase(),
      path: route.path,
      summary: route.summary ?? '',
      access,
    });
  }

  entries(): readonly RouteEntry[] {
    return this.#entries;
  }

  /** Methods allowed on a concrete request path, or an empty list when no route has that path. */
  methodsFor(path: string): string[] {
    const methods = this.#entries
      .filter((entry) => patternOf(entry.path).test(path))
      .map((entry) => entry.method);
    return [...new Set(methods)];
  }
}

const patternCache = new Map<string, RegExp>();

function patternOf(path: string): RegExp {
  let pattern = patternCache.get(path);
  if (!pattern) {
    const source = path
      .split(/\{[^}/]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    pattern = new RegExp(`^${source}/?$`);
    patternCache.set(path, pattern);
  }
  return pattern;
}
