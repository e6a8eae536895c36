import { request } from 'node:http';

/** The pod that answers a GET on a fresh connection through a forward on `port` (kube-sim's responder says its name). */
export function whoAnswers(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/who', agent: false, headers: { Connection: 'close' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          resolve((JSON.parse(text) as { pod: string }).pod);
        } catch {
          reject(new Error(`not the responder's JSON: ${text.slice(0, 200)}`));
        }
      });
    });
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error('no answer within 15 s')));
    req.end();
  });
}
