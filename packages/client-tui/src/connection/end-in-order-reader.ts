import { Emitter, type DataCallback, type Disposable, type Event, type MessageReader, type NotificationMessage, type PartialMessageInfo } from 'vscode-jsonrpc/node';

/** The notification a connection read through EndInOrderReader gets last, when the stream has ended. */
export const READER_ENDED = '$/kubetile/readerEnded';

/**
 * A reader whose end reaches the connection as a last notification, READER_ENDED, queued behind every
 * message read before it. vscode-jsonrpc hands the messages it has read to their handlers one per turn
 * of the event loop but reports the end of the stream at once: a client that closed its connection on
 * that report dropped what came in the same read as the end (`daemon/exit`, which the daemon sends
 * just before it closes the socket). The inner reader's own end is not reported (onClose never fires).
 */
export class EndInOrderReader implements MessageReader {
  private readonly never = new Emitter<void>();

  constructor(private readonly inner: MessageReader) {}

  get onError(): Event<Error> {
    return this.inner.onError;
  }

  get onClose(): Event<void> {
    return this.never.event;
  }

  get onPartialMessage(): Event<PartialMessageInfo> {
    return this.inner.onPartialMessage;
  }

  listen(callback: DataCallback): Disposable {
    const ended: NotificationMessage = { jsonrpc: '2.0', method: READER_ENDED };
    const end = this.inner.onClose(() => callback(ended));
    const reading = this.inner.listen(callback);
    return {
      dispose: () => {
        end.dispose();
        reading.dispose();
      },
    };
  }

  dispose(): void {
    this.inner.dispose();
    this.never.dispose();
  }
}
