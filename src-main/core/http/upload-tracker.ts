// Counts what this node serves: active answers, completed ones, bytes sent.
export class UploadTracker {
  active = 0;
  served = 0;
  bytesSent = 0;

  begin(): { sent(bytes: number): void; end(completed: boolean): void } {
    this.active++;
    let ended = false;
    return {
      sent: (bytes) => {
        this.bytesSent += bytes;
      },
      end: (completed) => {
        if (ended) return;
        ended = true;
        this.active--;
        if (completed) this.served++;
      },
    };
  }
}
