/**
 * Progress of a long pass: on a terminal, one line redrawn in place (count, rate, ETA when the total is
 * known); otherwise a plain line every few seconds, which logs and CI keep readable.
 */
export class Progress {
  private started = performance.now();
  private last = 0;
  private total: number | null = null;
  private label = '';

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  start(label: string, total: number | null): void {
    this.label = label;
    this.total = total;
    this.started = performance.now();
    this.last = 0;
  }

  update(done: number): void {
    const now = performance.now();
    if (now - this.last < (this.out.isTTY ? 200 : 5000)) return;
    this.last = now;
    this.write(done, false);
  }

  finish(done: number): void {
    this.write(done, true);
  }

  private write(done: number, final: boolean): void {
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const of = this.total === null ? '' : ` of ${this.total.toLocaleString('en')}`;
    const percent = this.total ? ` ${Math.floor((100 * done) / this.total)}%` : '';
    const eta = this.total && rate > 0 && !final ? `, ETA ${formatSeconds((this.total - done) / rate)}` : '';
    const line = `${this.label}: ${done.toLocaleString('en')}${of}${percent}, ${Math.round(rate).toLocaleString('en')}/s${eta}${final ? `, ${formatSeconds(seconds)}` : ''}`;
    if (this.out.isTTY) this.out.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
    else this.out.write(`${line}\n`);
  }
}

const formatSeconds = (seconds: number): string => (seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`);
