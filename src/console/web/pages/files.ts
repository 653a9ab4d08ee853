// Delivered files: browses a trail's bucket folder by folder (S3 ListObjectsV2 with a delimiter)
// and opens a log or digest file in place, un-gzipped in the browser and pretty-printed.
import * as api from '../api.js';
import type { Page, App } from '../app.js';
import { errorText, pageUrl } from '../app.js';
import { h, replace, status } from '../dom.js';
import { formatBytes, jsonView, timeCell } from '../format.js';

function crumbs(app: App, bucket: string, prefix: string): HTMLElement {
  const parts = prefix.split('/').filter(Boolean);
  const links: (HTMLElement | string)[] = [h('a', { href: pageUrl('/console/files', app.region, { bucket }) }, bucket)];
  parts.forEach((p, i) => {
    links.push(' / ');
    const path = parts.slice(0, i + 1).join('/') + '/';
    links.push(i === parts.length - 1 ? h('span', { 'aria-current': 'location' }, p) : h('a', { href: pageUrl('/console/files', app.region, { bucket, prefix: path }) }, p));
  });
  return h('p', { class: 'crumbs path' }, links);
}

function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

async function openFile(app: App, bucket: string, key: string, viewer: HTMLElement): Promise<void> {
  replace(viewer, h('p', { class: 'muted' }, `Opening ${key}\u2026`));
  try {
    const out = await api.s3.getObject(app.region, bucket, key);
    const bytes = base64Bytes(out.Body ?? '');
    const gz = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
    const text = gz ? await gunzip(bytes) : new TextDecoder().decode(bytes);
    let body: HTMLElement;
    try {
      body = jsonView(JSON.parse(text));
    } catch {
      body = h('pre', { class: 'json', tabindex: 0 }, text);
    }
    body.id = 'file-content';
    const records = (() => { try { return (JSON.parse(text) as { Records?: unknown[] }).Records?.length; } catch { return undefined; } })();
    replace(viewer, h('div', { class: 'section-head' },
      h('h2', { id: 'file-h', tabindex: -1 }, key.split('/').pop() ?? key),
      h('span', { class: 'muted' }, records !== undefined ? `${records} record${records === 1 ? '' : 's'}` : gz ? 'gzip' : '')), body);
    viewer.querySelector<HTMLElement>('#file-h')?.focus();
  } catch (e) {
    replace(viewer, status('error', `Could not open ${key}: ${errorText(e)}`));
  }
}

export const filesPage: Page = (app, main, url) => {
  const bucket = url.searchParams.get('bucket') ?? '';
  const prefix = url.searchParams.get('prefix') ?? '';
  const list = h('div', { class: 'table-wrap' });
  const viewer = h('section', { class: 'viewer', 'aria-label': 'File content' });
  const more = h('div', { class: 'pager' });
  replace(main,
    h('p', { class: 'crumbs' }, h('a', { href: pageUrl('/console/trails', app.region) }, '\u2190 Trails')),
    h('h1', { tabindex: -1 }, 'Delivered files'),
    bucket ? crumbs(app, bucket, prefix) : status('info', 'Open this page from a trail\u2019s \u201cBrowse files\u201d link.'),
    list, more, viewer);
  if (!bucket) return;
  const body = h('tbody');
  replace(list, h('table', { class: 'data', id: 'files-table' },
    h('caption', { class: 'visually-hidden' }, `Objects in ${bucket}/${prefix}`),
    h('thead', null, h('tr', null, ['Name', 'Size', 'Last modified'].map((c) => h('th', { scope: 'col' }, c)))),
    body));
  let stopped = false;
  const loadPage = async (token?: string) => {
    if (!token) body.append(h('tr', { class: 'message-row' }, h('td', { colspan: 3, class: 'muted' }, 'Loading\u2026')));
    try {
      const out = await api.s3.listObjects(app.region, bucket, prefix, token);
      if (stopped) return;
      body.querySelector('.message-row')?.remove();
      for (const p of out.CommonPrefixes ?? []) {
        const name = p.Prefix.slice(prefix.length);
        body.append(h('tr', null, h('td', null, h('a', { href: pageUrl('/console/files', app.region, { bucket, prefix: p.Prefix }), class: 'folder' }, name)), h('td', { class: 'muted' }, 'Folder'), h('td', { class: 'muted' }, '—')));
      }
      for (const o of out.Contents ?? []) {
        if (o.Key === prefix) continue;
        const open = h('button', { type: 'button', class: 'link-button file-open' }, o.Key.slice(prefix.length));
        open.addEventListener('click', () => void openFile(app, bucket, o.Key, viewer));
        body.append(h('tr', null, h('td', { class: 'wrap' }, open), h('td', { class: 'nowrap' }, formatBytes(o.Size)), h('td', { class: 'nowrap' }, timeCell(o.LastModified))));
      }
      if (!body.rows.length) body.append(h('tr', { class: 'message-row' }, h('td', { colspan: 3, class: 'muted' }, 'Nothing delivered here yet.')));
      const next = out.NextContinuationToken;
      replace(more, next ? h('button', { type: 'button', class: 'btn', onclick: () => void loadPage(next) }, 'Load more') : null);
    } catch (e) {
      if (!stopped) replace(list, status('error', `Could not list ${bucket}/${prefix}: ${errorText(e)}`));
    }
  };
  void loadPage();
  return () => { stopped = true; };
};
