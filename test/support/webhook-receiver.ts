import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  headers: IncomingMessage['headers'];
  body: string;
  /** What the receiver answered (0: it held the request unanswered). */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  deliveries: ReceivedDelivery[];
  /** The event ids of the deliveries it answered with a 2xx. */
  taken(): string[];
  close(): Promise<void>;
}

/** A webhook receiver on loopback that answers the n-th request (from 1) with `answer(n)`; 'hang' never answers. */
export async function startWebhookReceiver(answer: (n: number) => number | 'hang'): Promise<WebhookReceiver> {
  const deliveries: ReceivedDelivery[] = [];
  const held: ServerResponse[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const status = answer(deliveries.length + 1);
      deliveries.push({ headers: request.headers, body, status: status === 'hang' ? 0 : status });
      if (status === 'hang') return void held.push(response);
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    deliveries,
    taken: () => deliveries.filter((delivery) => delivery.status >= 200 && delivery.status < 300).map((delivery) => JSON.parse(delivery.body).id as string),
    close: async () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
