import { createHash } from 'node:crypto';

/** What a problem type page shows: the same entry the JSON answer carries. */
export interface ProblemDescription {
  type: string;
  code: string;
  status: number;
  title: string;
  description: string;
  retryable: boolean;
}

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#222}'
  + 'code{background:#f3f3f3;padding:0 .25em;border-radius:3px}table{border-collapse:collapse}td,th{padding:.25em .75em;text-align:left;border-bottom:1px solid #ddd}';

/** The pages' CSP: nothing loads, only the one inline style block (by its hash) applies. */
export const PROBLEM_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; frame-ancestors 'none'`;

/** A browser asks for HTML and not for JSON (fetch and API clients send JSON or nothing). */
export function wantsHtml(accept: string | undefined): boolean {
  return accept !== undefined && /text\/html/.test(accept) && !/application\/(problem\+)?json/.test(accept);
}

export function problemPage(problem: ProblemDescription): string {
  return page(problem.title, `<p><a href="/problems">All problem types</a> · <a href="/docs">API documentation</a></p>
<h1>${escapeHtml(problem.title)}</h1>
<p>HTTP ${problem.status}, <code>code</code> <code>${problem.code}</code>${problem.retryable ? ', worth retrying' : ''}.</p>
<p>${prose(problem.description)}</p>`);
}

export function problemIndexPage(problems: readonly ProblemDescription[]): string {
  const rows = problems.map((p) => `<tr><td><a href="${p.type}">${escapeHtml(p.title)}</a></td><td><code>${p.code}</code></td><td>${p.status}</td></tr>`).join('\n');
  return page('Problem types', `<p><a href="/docs">API documentation</a></p>
<h1>Problem types</h1>
<p>Every error answer is <code>application/problem+json</code> (RFC 9457); its <code>type</code> links here.</p>
<table><tr><th>Title</th><th>Code</th><th>Status</th></tr>
${rows}
</table>`);
}

function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`;
}

/** The table's descriptions mark names in backticks: code on the page, everything else escaped. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
