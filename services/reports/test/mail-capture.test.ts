import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { startMailCapture } from '../src/mail/capture-server.js';
import { Mailer } from '../src/mail/mailer.js';

describe('mail capture', () => {
  it('mail capture - keeps each message the mailer sends as an .eml file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wadm-mail-'));
    const files: string[] = [];
    const capture = await startMailCapture({ dir, onMessage: (f) => files.push(f) });
    const mailer = new Mailer(capture.url, 'WADM <wadm@localhost>');
    try {
      const messageId = mailer.messageIdFor('alice', 'task-1');
      const sent = await mailer.send(
        messageId,
        { to: ['alice@example.com'], subject: 'captured', text: 'look in .wadm/mail' },
        new AbortController().signal,
      );
      expect(sent.accepted).toEqual(['alice@example.com']);
      const names = await readdir(dir);
      expect(names).toHaveLength(1);
      expect(names[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-0001\.eml$/);
      expect(files).toEqual([join(dir, names[0] ?? '')]);
      const mail = await simpleParser(await readFile(join(dir, names[0] ?? '')));
      expect(mail).toMatchObject({ subject: 'captured', messageId });
      expect(mail.text?.trim()).toBe('look in .wadm/mail');
    } finally {
      mailer.close();
      await capture.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
