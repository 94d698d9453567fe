#!/usr/bin/env node
// Posts migralint's markdown report (`migralint --format markdown -o FILE`) as ONE comment on a GitHub pull request
// or a GitLab merge request, found again on the next run by a hidden marker and edited in place.
//
//   migralint-comment github --report FILE [--when-clean update|always|delete]
//   migralint-comment gitlab --report FILE [--when-clean update|always|delete]
//
// GitHub: GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY and the event payload at GITHUB_EVENT_PATH (the pull
// request's number); the issue-comments REST endpoints. Without write permission (a pull request from a fork gets a
// read-only token: 403) the report goes to the job summary (GITHUB_STEP_SUMMARY) instead.
// GitLab: CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID and a token in MIGRALINT_GITLAB_TOKEN (or GITLAB_TOKEN);
// the merge-request notes REST endpoints.
// A clean report (its verdict line, a heading, starts with ✅): `update` (default) edits an existing comment to say so and posts none
// when there is none; `always` posts it anyway; `delete` removes the existing comment.
// Commenting never fails the job: every problem is a warning, and the exit code is 0 (2 for bad arguments).
// CommonJS, as everything in bin/ (bin/package.json).
const { appendFileSync, readFileSync } = require('node:fs');

const MARKER = '<!-- migralint-comment -->';

function warn(message) {
  if (process.env.GITHUB_ACTIONS === 'true')
    process.stdout.write(`::warning title=migralint comment::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`);
  else process.stderr.write(`migralint-comment: ${message}\n`);
}
function note(message) {
  process.stderr.write(`migralint-comment: ${message}\n`);
}

function parseArgs(argv) {
  const [platform, ...rest] = argv;
  const opts = { platform, report: undefined, whenClean: 'update' };
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--report') opts.report = rest[++i];
    else if (rest[i] === '--when-clean') opts.whenClean = rest[++i] || 'update';
    else throw new Error(`unknown argument '${rest[i]}'`);
  }
  if (platform !== 'github' && platform !== 'gitlab') throw new Error('the first argument is github or gitlab');
  if (!opts.report) throw new Error('--report FILE is required');
  if (!['update', 'always', 'delete'].includes(opts.whenClean)) throw new Error(`--when-clean: '${opts.whenClean}' is not update, always or delete`);
  return opts;
}

class HttpError extends Error {
  constructor(method, url, status, text) {
    super(`${method} ${url.replace(/\?.*/, '')}: HTTP ${status}${text ? ` ${text.slice(0, 200)}` : ''}`);
    this.status = status;
  }
}

async function request(method, url, headers, body) {
  const res = await globalThis.fetch(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new HttpError(method, url, res.status, text);
  return text ? JSON.parse(text) : undefined;
}

/** The comment a previous run left: the first one whose body carries the marker. */
async function findExisting(listUrl, headers) {
  for (let page = 1; page <= 50; page++) {
    const sep = listUrl.includes('?') ? '&' : '?';
    const items = await request('GET', `${listUrl}${sep}per_page=100&page=${page}`, headers);
    const found = items.find((c) => typeof c.body === 'string' && c.body.includes(MARKER));
    if (found) return found;
    if (items.length < 100) return undefined;
  }
  return undefined;
}

/** Create, update or delete the one comment, as the report and --when-clean decide. Returns what was done. */
async function sync({ listUrl, createUrl, itemUrl, headers, updateMethod }, report, whenClean) {
  const clean = /^[#\s]*✅/.test(report);
  const body = `${MARKER}\n${report}`;
  const existing = await findExisting(listUrl, headers);
  if (clean && whenClean === 'delete') {
    if (!existing) return 'clean: no comment to remove';
    await request('DELETE', itemUrl(existing.id), headers);
    return `clean: removed comment ${existing.id}`;
  }
  if (clean && whenClean === 'update' && !existing) return 'clean: nothing to post';
  if (existing) {
    await request(updateMethod, itemUrl(existing.id), headers, { body });
    return `updated comment ${existing.id}`;
  }
  const created = await request('POST', createUrl, headers, { body });
  return `posted comment ${created?.id}`;
}

function githubSummary(report, why) {
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) {
    appendFileSync(summary, `${report}\n`);
    warn(`${why}; the report is in the job summary instead.`);
  } else warn(`${why}; no job summary file either (GITHUB_STEP_SUMMARY is not set).`);
}

async function github(report, whenClean) {
  const env = process.env;
  let event = {};
  try {
    event = env.GITHUB_EVENT_PATH ? JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) : {};
  } catch (e) {
    note(`cannot read the event payload ${env.GITHUB_EVENT_PATH}: ${e.message}`);
  }
  const number = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
  if (!number) return githubSummary(report, 'not a pull request event, so no pull request to comment on');
  if (!env.GITHUB_TOKEN) return githubSummary(report, 'no GITHUB_TOKEN to comment with');
  if (!env.GITHUB_REPOSITORY) return githubSummary(report, 'GITHUB_REPOSITORY is not set');
  const api = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/$/, '');
  const repo = env.GITHUB_REPOSITORY.split('/').map(encodeURIComponent).join('/');
  const headers = {
    Authorization: `Bearer ${env.GITHUB_TOKEN}`,
    Accept: 'application/vnd.github+json',
    'X-GitHub-Api-Version': '2022-11-28',
    'User-Agent': 'migralint-comment',
  };
  try {
    const done = await sync(
      {
        listUrl: `${api}/repos/${repo}/issues/${number}/comments`,
        createUrl: `${api}/repos/${repo}/issues/${number}/comments`,
        itemUrl: (id) => `${api}/repos/${repo}/issues/comments/${id}`,
        headers,
        updateMethod: 'PATCH',
      },
      report,
      whenClean,
    );
    note(`pull request #${number}: ${done}`);
  } catch (e) {
    const why =
      e.status === 403 || e.status === 404
        ? `no permission to comment on pull request #${number} (a pull request from a fork gets a read-only token; the job needs pull-requests: write)`
        : `commenting on pull request #${number} failed`;
    note(e.message);
    githubSummary(report, why);
  }
}

async function gitlab(report, whenClean) {
  const env = process.env;
  const iid = env.CI_MERGE_REQUEST_IID;
  if (!iid) return warn('not a merge request pipeline (CI_MERGE_REQUEST_IID is not set): no comment');
  const token = env.MIGRALINT_GITLAB_TOKEN || env.GITLAB_TOKEN;
  if (!token) return warn('no MIGRALINT_GITLAB_TOKEN to comment with (a project or personal access token with the api scope)');
  if (!env.CI_API_V4_URL || !env.CI_PROJECT_ID) return warn('CI_API_V4_URL or CI_PROJECT_ID is not set: no comment');
  const api = env.CI_API_V4_URL.replace(/\/$/, '');
  const notes = `${api}/projects/${encodeURIComponent(env.CI_PROJECT_ID)}/merge_requests/${encodeURIComponent(iid)}/notes`;
  try {
    const done = await sync(
      {
        listUrl: `${notes}?sort=asc&order_by=created_at`,
        createUrl: notes,
        itemUrl: (id) => `${notes}/${id}`,
        headers: { 'PRIVATE-TOKEN': token, 'User-Agent': 'migralint-comment' },
        updateMethod: 'PUT',
      },
      report,
      whenClean,
    );
    note(`merge request !${iid}: ${done}`);
  } catch (e) {
    warn(`commenting on merge request !${iid} failed: ${e.message}`);
  }
}

async function main(argv) {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`migralint-comment: ${e.message}\n`);
    return 2;
  }
  let report;
  try {
    report = readFileSync(opts.report, 'utf8');
  } catch (e) {
    warn(`cannot read the report ${opts.report}: ${e.message}`);
    return 0;
  }
  await (opts.platform === 'github' ? github : gitlab)(report, opts.whenClean);
  return 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
