import type { PaneView, SessionLayout } from '@kubetile/rpc-schema';

/** Two tabs; the active one split left|right (pods table | logs), the right split top/bottom (logs / error). */
export function splitLayout(over: Partial<SessionLayout> = {}): SessionLayout {
  return {
    session: 'main',
    clientId: 'c1',
    tabs: [
      {
        id: 1,
        title: 'default|POD',
        tree: {
          type: 'split',
          direction: 'vertical',
          ratio: 0.5,
          first: { type: 'leaf', paneId: 1 },
          second: {
            type: 'split',
            direction: 'horizontal',
            ratio: 0.5,
            first: { type: 'leaf', paneId: 2 },
            second: { type: 'leaf', paneId: 3 },
          },
        },
        fullscreenPaneId: null,
        focusedPaneId: 1,
        context: 'kind-dev',
        namespace: 'default',
      },
      { id: 2, title: 'kube-system|DEP', tree: { type: 'leaf', paneId: 4 }, fullscreenPaneId: null, focusedPaneId: 4, context: 'kind-dev', namespace: 'kube-system' },
    ],
    activeTabId: 1,
    mode: 'normal',
    overlay: null,
    status: {
      context: 'kind-dev',
      cluster: 'connected',
      hints: [
        { key: 'f1', label: 'Help' },
        { key: 'alt+v', label: 'Split' },
        { key: 'ctrl+q', label: 'Detach' },
      ],
    },
    paneTitles: { '1': 'Pods', '2': 'Logs web-1', '3': 'Describe' },
    ...over,
  };
}

export const podsTable: PaneView = {
  type: 'table',
  title: 'Pods',
  badge: '3',
  columns: [
    { id: 'name', title: 'NAME' },
    { id: 'ready', title: 'READY', align: 'right' },
    { id: 'status', title: 'STATUS' },
  ],
  rows: [
    { id: 'u1', cells: { name: 'web-1', ready: '1/1', status: 'Running' }, styles: { status: 'ok' } },
    { id: 'u2', cells: { name: 'web-2', ready: '0/1', status: 'Pending' }, styles: { status: 'warn' } },
    { id: 'u3', cells: { name: 'db-0', ready: '0/1', status: 'CrashLoopBackOff' }, styles: { status: 'error' } },
  ],
  offset: 0,
  total: 3,
  unfiltered: 3,
  selected: 1,
  sort: { column: 'name', order: 'asc' },
};

export const logsView: PaneView = {
  type: 'lines',
  title: 'Logs web-1',
  lines: [
    { text: 'GET /healthz 200' },
    { text: 'warning: slow request', style: 'warn' },
    { text: '', spans: [{ text: 'ERROR ', style: 'error' }, { text: 'db timeout' }] },
  ],
  offset: 0,
  total: 3,
  cursor: null,
  follow: true,
  footer: 'following',
};

export const errorView: PaneView = {
  type: 'message',
  title: 'Describe',
  level: 'error',
  text: 'Error: pods "db-0" is forbidden',
};
