// Trails: the list with each trail's logging status, last delivery and last error; start and stop
// logging; a link to the delivered files; and the create form (optionally creating the bucket with
// the policy CloudTrail needs, as CloudTrail's own console offers).
import * as api from '../api.js';
import type { Trail, TrailStatus } from '../api.js';
import type { App, Page } from '../app.js';
import { errorText, pageUrl } from '../app.js';
import { busy, checkbox, field, h, replace, status } from '../dom.js';
import { formatTime } from '../format.js';

function bucketPolicy(bucket: string, prefix: string, accountId: string): object {
  const keyPrefix = prefix ? `${prefix.replace(/\/+$/, '')}/` : '';
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${bucket}` },
      {
        Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket}/${keyPrefix}AWSLogs/${accountId}/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
      },
    ],
  };
}

function filesLink(app: App, t: Trail): HTMLElement {
  if (!t.S3BucketName) return h('span', { class: 'muted' }, '—');
  const prefix = `${t.S3KeyPrefix ? `${t.S3KeyPrefix.replace(/\/+$/, '')}/` : ''}AWSLogs/${app.session.accountId}/`;
  return h('a', { href: pageUrl('/console/files', t.HomeRegion ?? app.region, { bucket: t.S3BucketName, prefix }), class: 'files-link' }, 'Browse files');
}

function statusCell(s: TrailStatus | Error | undefined): HTMLElement {
  if (s instanceof Error) return h('span', { class: 'pill pill-error', title: s.message }, 'Status unavailable');
  if (!s) return h('span', { class: 'muted' }, '\u2026');
  return s.IsLogging ? h('span', { class: 'pill pill-ok' }, 'Logging') : h('span', { class: 'pill pill-off' }, 'Stopped');
}

function lastError(s: TrailStatus | Error | undefined): string {
  if (!s || s instanceof Error) return '';
  return s.LatestDeliveryError ?? s.LatestNotificationError ?? s.LatestDigestDeliveryError ?? '';
}

class TrailsView {
  private readonly note = h('div', { class: 'notice-slot' });
  private readonly list = h('div', { class: 'table-wrap' });
  private readonly formSlot = h('div');

  constructor(private readonly app: App, private readonly main: HTMLElement) {}

  render(): void {
    const createBtn = h('button', { type: 'button', class: 'btn btn-primary', id: 'create-trail-open', 'aria-expanded': 'false', 'aria-controls': 'create-trail' }, 'Create trail');
    createBtn.addEventListener('click', () => {
      const open = !this.formSlot.firstChild;
      replace(this.formSlot, open ? this.createForm(() => { replace(this.formSlot); createBtn.setAttribute('aria-expanded', 'false'); createBtn.focus(); }) : null);
      createBtn.setAttribute('aria-expanded', String(open));
      if (open) this.formSlot.querySelector<HTMLInputElement>('input')?.focus();
    });
    replace(this.main,
      h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, 'Trails'), h('div', { class: 'head-actions' }, createBtn)),
      h('p', { class: 'lead' }, 'A trail delivers every event to an S3 bucket as gzip JSON files, optionally signed by digest files and announced on an SNS topic.'),
      this.formSlot, this.note, this.list);
    void this.load();
  }

  private async load(): Promise<void> {
    replace(this.list, h('p', { class: 'muted' }, 'Loading trails\u2026'));
    let trails: Trail[];
    try {
      trails = (await api.cloudtrail.describeTrails(this.app.region)).trailList ?? [];
    } catch (e) {
      replace(this.list, status('error', `Could not list trails: ${errorText(e)}`));
      return;
    }
    if (!trails.length) {
      replace(this.list, h('p', { class: 'empty' }, 'No trails in this region yet. Event history keeps 90 days of management events without one; create a trail to keep them in S3.'));
      return;
    }
    const statuses = await Promise.all(trails.map((t) => api.cloudtrail.getTrailStatus(this.app.region, t.TrailARN ?? t.Name).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))));
    replace(this.list, h('table', { class: 'data', id: 'trails-table' },
      h('caption', { class: 'visually-hidden' }, 'Trails'),
      h('thead', null, h('tr', null, ['Name', 'S3 bucket', 'SNS topic', 'Validation', 'Status', 'Last delivery', 'Last error', 'Files', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, trails.map((t, i) => this.row(t, statuses[i])))));
  }

  private row(t: Trail, s: TrailStatus | Error): HTMLTableRowElement {
    const logging = !(s instanceof Error) && !!s.IsLogging;
    const toggle = h('button', { type: 'button', class: 'btn btn-small', 'data-trail': t.Name }, logging ? 'Stop logging' : 'Start logging');
    toggle.addEventListener('click', () => void busy(toggle, logging ? 'Stopping\u2026' : 'Starting\u2026', async () => {
      try {
        const name = t.TrailARN ?? t.Name;
        if (logging) await api.cloudtrail.stopLogging(this.app.region, name);
        else await api.cloudtrail.startLogging(this.app.region, name);
        replace(this.note, status('success', `${logging ? 'Stopped' : 'Started'} logging for ${t.Name}.`));
        await this.load();
      } catch (e) {
        replace(this.note, status('error', `Could not ${logging ? 'stop' : 'start'} logging for ${t.Name}: ${errorText(e)}`));
      }
    }));
    const err = lastError(s);
    const delivery = s instanceof Error ? undefined : s.LatestDeliveryTime;
    return h('tr', { 'data-trail': t.Name },
      h('th', { scope: 'row' }, t.Name,
        h('span', { class: 'sub' }, `${t.HomeRegion ?? this.app.region} \u00b7 ${t.IsMultiRegionTrail ? 'multi-region' : 'single region'}`)),
      h('td', { class: 'wrap' }, t.S3BucketName ?? '—', t.S3KeyPrefix ? h('span', { class: 'muted' }, ` /${t.S3KeyPrefix}`) : null),
      h('td', { class: 'wrap' }, t.SnsTopicName ?? h('span', { class: 'muted' }, '—')),
      h('td', null, t.LogFileValidationEnabled ? 'Enabled' : 'Disabled'),
      h('td', null, statusCell(s)),
      h('td', { class: 'nowrap last-delivery' }, delivery ? formatTime(delivery) : h('span', { class: 'muted' }, 'None yet')),
      h('td', { class: err ? 'wrap last-error error-text' : 'last-error muted' }, err || 'None'),
      h('td', null, filesLink(this.app, t)),
      h('td', null, toggle));
  }

  private createForm(close: () => void): HTMLElement {
    const name = h('input', { name: 'Name', id: 'trail-name', required: true, maxlength: 128, pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]{2,127}', autocomplete: 'off' });
    const bucket = h('input', { name: 'S3BucketName', id: 'trail-bucket', required: true, maxlength: 63, autocomplete: 'off' });
    const prefix = h('input', { name: 'S3KeyPrefix', id: 'trail-prefix', maxlength: 200, autocomplete: 'off' });
    const topic = h('input', { name: 'SnsTopicName', id: 'trail-topic', maxlength: 256, autocomplete: 'off' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'create-trail-submit' }, 'Create trail');
    const note = h('div', { class: 'notice-slot' });
    const form = h('form', { class: 'card form', id: 'create-trail', 'aria-labelledby': 'create-trail-h' },
      h('h2', { id: 'create-trail-h' }, 'Create a trail'),
      h('div', { class: 'grid2' },
        field('Trail name', name, '3–128 letters, digits, periods, hyphens and underscores.'),
        field('S3 bucket', bucket, 'Where log files are delivered.'),
        field('Log file prefix (optional)', prefix),
        field('SNS topic name (optional)', topic, 'Notified after every delivered file.')),
      checkbox('Create this bucket, with the policy that lets CloudTrail write to it', 'createBucket', true, 'Leave unchecked to use an existing bucket whose policy already allows CloudTrail.'),
      checkbox('Multi-region trail (events of every region)', 'multiRegion', true),
      checkbox('Include global service events (IAM, STS global endpoint, Organizations)', 'globalEvents', true),
      checkbox('Log file validation (signed digest files)', 'validation', true),
      checkbox('Start logging now', 'startLogging', true),
      note,
      h('div', { class: 'actions' }, submit, h('button', { type: 'button', class: 'btn', onclick: close }, 'Cancel')));
    const checked = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).checked;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!name.value.trim() || !bucket.value.trim()) {
        replace(note, status('error', 'A trail needs a name and an S3 bucket.'));
        (name.value.trim() ? bucket : name).focus();
        return;
      }
      void busy(submit, 'Creating\u2026', async () => {
        const region = this.app.region;
        const b = bucket.value.trim();
        const p = prefix.value.trim();
        try {
          if (checked('createBucket')) {
            // A bucket this account already owns is fine: it only gets CloudTrail's policy.
            await api.s3.createBucket(region, b).catch((err: unknown) => {
              if (!(err instanceof api.ApiError && err.code === 'BucketAlreadyOwnedByYou')) throw err;
            });
            await api.s3.putBucketPolicy(region, b, bucketPolicy(b, p, this.app.session.accountId));
          }
          const trail = await api.cloudtrail.createTrail(region, {
            Name: name.value.trim(), S3BucketName: b, S3KeyPrefix: p || undefined, SnsTopicName: topic.value.trim() || undefined,
            IsMultiRegionTrail: checked('multiRegion'), IncludeGlobalServiceEvents: checked('globalEvents'), EnableLogFileValidation: checked('validation'),
          });
          if (checked('startLogging')) await api.cloudtrail.startLogging(region, trail.TrailARN ?? trail.Name);
          close();
          replace(this.note, status('success', `Created trail ${trail.Name ?? name.value.trim()}.`));
          await this.load();
        } catch (err) {
          replace(note, status('error', `Could not create the trail: ${errorText(err)}`));
        }
      });
    });
    return form;
  }
}

export const trailsPage: Page = (app, main) => {
  new TrailsView(app, main).render();
};
