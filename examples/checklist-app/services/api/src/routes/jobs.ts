import type { FastifyInstance } from 'fastify';
import axios from 'axios';

const webhookClient = axios.create({
  baseURL: process.env.WEBHOOK_BASE_URL,
  headers: { 'Content-Type': 'application/json' },
});

export async function jobRoutes(fastify: FastifyInstance) {
  fastify.post('/notify', async (request) => {
    const { url, payload } = request.body as { url: string; payload: unknown };
    await webhookClient.post(url, payload);
    return { ok: true };
  });
}
