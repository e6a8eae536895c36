/**
 * The port-forward WebSocket protocol `v4.channel.k8s.io` for one port (the kubelet's
 * `portforward/websocket.go`): every binary message starts with a channel byte; channel 0 carries
 * the data, channel 1 the error text. Right after the upgrade the server writes the port number
 * (uint16 little-endian) as the first two bytes of each channel; the client sends `[0, …bytes]`
 * with no port prefix.
 */

export const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';
export const DATA_CHANNEL = 0;
export const ERROR_CHANNEL = 1;
/** The most error text kept from one stream (the kubelet's messages are one line). */
export const MAX_ERROR_TEXT = 4096;

/** What one message from the server means. */
export type FrameEvent =
  | { type: 'data'; data: Buffer }
  | { type: 'error-text' }
  | { type: 'nothing' }
  | { type: 'invalid'; message: string };

/** A data message for the server: the data channel byte, then the bytes. */
export function dataFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(payload.length + 1);
  frame[0] = DATA_CHANNEL;
  payload.copy(frame, 1);
  return frame;
}

/**
 * Reads the server's messages for one forwarded port: strips each channel's port preamble (also
 * when it arrives split or joined with data; bytes that are not our port mean it was lost and are
 * data), passes data on, collects the error text (bounded), and calls anything else a protocol
 * error.
 */
export class FrameReader {
  /** Preamble bytes still expected, per channel. */
  private readonly preamble = [Buffer.alloc(0), Buffer.alloc(0)];
  private readonly preambleDone = [false, false];
  private errorChunks: Buffer[] = [];
  private errorBytes = 0;

  constructor(private readonly port: number) {}

  /** The error channel's text so far (control characters shown as spaces), or ''. */
  errorText(): string {
    return Buffer.concat(this.errorChunks)
      .toString('utf8')
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ')
      .trim();
  }

  read(message: Buffer, isBinary: boolean): FrameEvent {
    if (!isBinary) return { type: 'invalid', message: 'the API server sent a text message on a binary port-forward stream' };
    if (message.length === 0) return { type: 'nothing' };
    const channel = message[0]!;
    if (channel !== DATA_CHANNEL && channel !== ERROR_CHANNEL) return { type: 'invalid', message: `the API server sent data on channel ${channel}; a one-port forward has channels 0 and 1` };
    let body = message.subarray(1);
    if (!this.preambleDone[channel]) {
      // The preamble is the port, little-endian. When the first bytes are not our port, the
      // preamble never reached us (a frame that arrived with the upgrade answer can be lost on
      // the way): they are the stream's own bytes.
      const have = this.preamble[channel]!;
      const need = 2 - have.length;
      const got = Buffer.concat([have, body.subarray(0, need)]);
      const expected = Buffer.from([this.port & 0xff, this.port >> 8]);
      if (!got.equals(expected.subarray(0, got.length))) {
        this.preambleDone[channel] = true;
        body = Buffer.concat([have, body]);
      } else if (got.length < 2) {
        this.preamble[channel] = got;
        return { type: 'nothing' };
      } else {
        this.preambleDone[channel] = true;
        body = body.subarray(need);
      }
    }
    if (body.length === 0) return { type: 'nothing' };
    if (channel === DATA_CHANNEL) return { type: 'data', data: body };
    const room = MAX_ERROR_TEXT - this.errorBytes;
    if (room > 0) {
      const kept = body.subarray(0, room);
      this.errorChunks.push(Buffer.from(kept));
      this.errorBytes += kept.length;
    }
    return { type: 'error-text' };
  }
}
