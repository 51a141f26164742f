import { posix } from 'node:path';

/**
 * Whether a request path is under `/api`, however it is spelled: any case, percent-encoded,
 * doubled slashes, dot segments. The routers match exactly (case-sensitive), so such a
 * spelling reaches no handler; asking for a token first means it learns nothing either.
 * A path that does not even decode is treated as under `/api`: fail closed.
 */
export function isApiPath(rawPath: string): boolean {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return true;
  }
  const normal = posix.normalize(path.replaceAll('\\', '/')).toLowerCase();
  return normal === '/api' || normal.startsWith('/api/') || normal.startsWith('/api;');
}
