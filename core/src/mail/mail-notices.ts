import pg from 'pg';
import type { Logger } from '../logger.js';
import { MAIL_CHANNEL } from './mail-outbox.repository.js';

const RECONNECT_MS = 5_000;

/**
 * LISTENs for the notice a queued mail sends when its transaction commits, and hands the row's id on
 * (to the delivery queue): a mail leaves within moments of its commit without any caller waking the
 * queue. A notice lost while this connection was down is made up by the minute tick.
 */
export class MailNotices {
  #client: pg.Client | undefined;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly onMail: (id: string) => void,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.#stopped = false;
    await this.#connect();
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'tributary-mail-notices' });
    client.on('notification', (message) => {
      if (message.channel === MAIL_CHANNEL && message.payload) this.onMail(message.payload);
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'mail notices connection lost; reconnecting');
      this.#reconnectLater(client);
    });
    try {
      await client.connect();
      await client.query(`listen ${MAIL_CHANNEL}`);
      this.#client = client;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not listen for mail notices; retrying');
      this.#reconnectLater(client);
    }
  }

  #reconnectLater(client: pg.Client): void {
    client.end().catch(() => undefined);
    if (this.#client === client) this.#client = undefined;
    if (this.#stopped || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (!this.#stopped) void this.#connect();
    }, RECONNECT_MS);
    this.#retry.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    await this.#client?.end().catch(() => undefined);
    this.#client = undefined;
  }
}
