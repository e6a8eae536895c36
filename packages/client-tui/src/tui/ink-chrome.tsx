import { PassThrough } from 'node:stream';
import { render } from 'ink';
import type { FrameSink } from '../terminal/frame-sink.js';
import { NullSink } from '../terminal/frame-sink.js';
import { App } from './App.js';
import type { Store } from './store.js';

/** ink rendering the chrome into a sink; `unmount` stops it. */
export interface InkChrome {
  unmount(): void;
}

/**
 * Starts ink on the chrome of `store`, rendering whole frames into `sink` (never to the terminal).
 * This module is what pulls in ink, react and yoga: the client imports it only once its first
 * frames are on screen (drawn meanwhile by the compositor's early chrome).
 */
export function startInkChrome(store: Store, sink: FrameSink): InkChrome {
  const ink = render(<App store={store} />, {
    stdout: sink as unknown as NodeJS.WriteStream,
    stderr: new NullSink() as unknown as NodeJS.WriteStream,
    stdin: new PassThrough() as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return { unmount: () => ink.unmount() };
}
