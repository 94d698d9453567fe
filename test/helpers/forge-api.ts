/**
 * A local stand-in for the two REST APIs the comment poster talks to, on 127.0.0.1, for tests (the real services
 * cannot be reached from here). It checks every request as the providers document it and answers like them:
 *
 * GitHub (docs.github.com/en/rest/issues/comments):
 *   GET    /repos/{owner}/{repo}/issues/{issue_number}/comments?per_page&page   list a pull request's comments
 *   POST   /repos/{owner}/{repo}/issues/{issue_number}/comments   { body }     create → 201
 *   PATCH  /repos/{owner}/{repo}/issues/comments/{comment_id}     { body }     update → 200
 *   DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}                  delete → 204
 *   headers: Authorization: Bearer <token>, Accept: application/vnd.github+json, X-GitHub-Api-Version, User-Agent
 * GitLab (docs.gitlab.com/api/notes, merge requests):
 *   GET    /projects/:id/merge_requests/:merge_request_iid/notes?per_page&page   list
 *   POST   /projects/:id/merge_requests/:merge_request_iid/notes   { body }      create → 201
 *   PUT    /projects/:id/merge_requests/:merge_request_iid/notes/:note_id { body } update → 200
 *   DELETE /projects/:id/merge_requests/:merge_request_iid/notes/:note_id        delete → 204
 *   header: PRIVATE-TOKEN
 * A request that does not match is answered 400 and recorded in `violations`, which tests assert to be empty.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Comment {
  id: number;
  body: string;
  user: string;
}

export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body?: unknown;
}

export interface ForgeApi {
  url: string;
  requests: Recorded[];
  violations: string[];
  /** Comments (GitHub) or notes (GitLab) by thread: `owner/repo#12` or `<project id>!7`. */
  threads: Map<string, Comment[]>;
  /** Answer writes with 403, as GitHub does for a fork's read-only token. */
  readOnly: boolean;
  close(): Promise<void>;
}

export async function startForgeApi(opts: { kind: 'github' | 'gitlab'; token: string; prefix?: string }): Promise<ForgeApi> {
  const prefix = opts.prefix ?? (opts.kind === 'gitlab' ? '/api/v4' : '');
  let nextId = 9000;
  const api: ForgeApi = { url: '', requests: [], violations: [], threads: new Map(), readOnly: false, close: async () => {} };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = Buffer.concat(chunks).toString('utf8');
      const rec: Recorded = { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers };
      api.requests.push(rec);
      const send = (status: number, value?: unknown) => {
        res.writeHead(status, value === undefined ? {} : { 'Content-Type': 'application/json' });
        res.end(value === undefined ? '' : JSON.stringify(value));
      };
      const reject = (why: string) => {
        api.violations.push(`${rec.method} ${rec.path}: ${why}`);
        send(400, { message: why });
      };
      if (raw) {
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return reject('a body without Content-Type: application/json');
        try {
          rec.body = JSON.parse(raw);
        } catch {
          return reject('a body that is not JSON');
        }
      }
      const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : undefined;
      if (path === undefined) return reject(`not under ${prefix}`);
      if (opts.kind === 'github') {
        if (req.headers.authorization !== `Bearer ${opts.token}`) return send(401, { message: 'Bad credentials' });
        if (req.headers.accept !== 'application/vnd.github+json') return reject(`Accept: ${req.headers.accept}`);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(String(req.headers['x-github-api-version']))) return reject('no X-GitHub-Api-Version');
        if (!req.headers['user-agent']) return reject('no User-Agent (GitHub requires one)');
      } else if (req.headers['private-token'] !== opts.token) return send(401, { message: '401 Unauthorized' });

      const write = rec.method !== 'GET';
      const bodyOk = () => typeof (rec.body as { body?: unknown } | undefined)?.body === 'string' && Object.keys(rec.body as object).length === 1;
      let m: RegExpExecArray | null;
      if (opts.kind === 'github' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path))) {
        const key = `${m[1]}/${m[2]}#${m[3]}`;
        const list = api.threads.get(key) ?? [];
        if (rec.method === 'GET') return page(list.map((c) => ({ id: c.id, body: c.body, user: { login: c.user, type: 'Bot' } })));
        if (rec.method !== 'POST') return reject('only GET and POST on a comments list');
        if (!bodyOk()) return reject('POST needs exactly { body: string }');
        if (api.readOnly) return send(403, { message: 'Resource not accessible by integration' });
        const c = { id: nextId++, body: (rec.body as { body: string }).body, user: 'github-actions[bot]' };
        api.threads.set(key, [...list, c]);
        return send(201, { id: c.id, body: c.body });
      }
      if (opts.kind === 'github' && (m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path))) {
        const id = Number(m[3]);
        const entry = [...api.threads].find(([k, list]) => k.startsWith(`${m![1]}/${m![2]}#`) && list.some((c) => c.id === id));
        if (!entry) return send(404, { message: 'Not Found' });
        if (api.readOnly && write) return send(403, { message: 'Resource not accessible by integration' });
        if (rec.method === 'PATCH') {
          if (!bodyOk()) return reject('PATCH needs exactly { body: string }');
          const c = entry[1].find((x) => x.id === id)!;
          c.body = (rec.body as { body: string }).body;
          return send(200, { id, body: c.body });
        }
        if (rec.method === 'DELETE') {
          if (raw) return reject('DELETE with a body');
          api.threads.set(
            entry[0],
            entry[1].filter((c) => c.id !== id),
          );
          return send(204);
        }
        return reject(`${rec.method} on a comment`);
      }
      if (opts.kind === 'gitlab' && (m = /^\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(path))) {
        const key = `${decodeURIComponent(m[1]!)}!${m[2]}`;
        const list = api.threads.get(key) ?? [];
        if (!m[3]) {
          if (rec.method === 'GET') return page(list.map((c) => ({ id: c.id, body: c.body, system: false, author: { username: c.user } })));
          if (rec.method !== 'POST') return reject('only GET and POST on a notes list');
          if (!bodyOk()) return reject('POST needs { body: string }');
          const c = { id: nextId++, body: (rec.body as { body: string }).body, user: 'project_42_bot' };
          api.threads.set(key, [...list, c]);
          return send(201, { id: c.id, body: c.body });
        }
        const id = Number(m[3]);
        const c = list.find((x) => x.id === id);
        if (!c) return send(404, { message: '404 Not found' });
        if (rec.method === 'PUT') {
          if (!bodyOk()) return reject('PUT needs { body: string }');
          c.body = (rec.body as { body: string }).body;
          return send(200, { id, body: c.body });
        }
        if (rec.method === 'DELETE') {
          api.threads.set(
            key,
            list.filter((x) => x.id !== id),
          );
          return send(204);
        }
        return reject(`${rec.method} on a note`);
      }
      return reject('no such endpoint');

      function page(items: unknown[]) {
        const perPage = Number(rec.query.per_page ?? 30);
        const n = Number(rec.query.page ?? 1);
        if (!(perPage >= 1 && perPage <= 100)) return reject(`per_page=${rec.query.per_page}`);
        return send(200, items.slice((n - 1) * perPage, n * perPage));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;
  api.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return api;
}
